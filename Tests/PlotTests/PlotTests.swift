import Testing
import Plot

@Suite struct PlotModuleTests {
  @Test func versionIsSet() { #expect(!Plot.version.isEmpty) }
}
