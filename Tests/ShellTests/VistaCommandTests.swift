import Testing
@testable import Shell

@Suite struct VistaCommandTests {
  @Test func versionFlagParses() {
    #expect(Vista.configuration.version == "vista 0.1.0")
  }
}
