import Testing
import Interpreter

@Suite struct EngineTests {
  @Test func smokeComputationRuns() throws {
    let report = try Engine.smoke()
    #expect(report.hasPrefix("engine ok"))
  }
}
