import Plot
import Testing

@Suite struct PlotModuleTests {
  @Test func versionIsSet() { #expect(!Plot.version.isEmpty) }
}
