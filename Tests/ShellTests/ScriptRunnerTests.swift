import Foundation
import Interpreter
import Testing

@testable import Shell

@Suite struct ScriptRunnerTests {
  @Test func overridesParseAsExpressionsOrText() throws {
    let o = try ScriptRunner.parseOverrides([
      "lr=1e-4", "patch=[96, 96, 96]", "name=spleen", "on=true",
    ])
    #expect(valuesEqual(o["lr"]!, .float(1e-4)))
    #expect(o["patch"]?.repr == "[96, 96, 96]")
    #expect(o["name"]?.repr == "\"spleen\"")
    #expect(valuesEqual(o["on"]!, .bool(true)))
    #expect(throws: RuntimeFailure.self) { try ScriptRunner.parseOverrides(["=3"]) }
  }

  @Test func reportListsStatementsOutputAndNewPNGs() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "vista-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    // No chdir: tests run in parallel and share the process's working directory.
    let interpreter = Interpreter()
    interpreter.workingDirectory = dir.path
    let source = SourceFile(
      name: "exp.vs",
      text: "x = 2\nprint(\"x is {x}\")\nwrite_text(\"curve.png\", \"not really a png\")\nx\n")
    let code = ScriptRunner.execute(
      source: source, interpreter: interpreter, echo: false,
      reportPath: dir.appendingPathComponent("run.md").path,
      commandLine: "vista run exp.vs")
    #expect(code == 0)
    let md = try String(contentsOf: dir.appendingPathComponent("run.md"), encoding: .utf8)
    #expect(md.hasPrefix("# Run of `exp.vs`"))
    #expect(md.contains("### [2]"))
    #expect(md.contains("```text\nx is 2\n```"))
    #expect(md.contains("![curve.png](curve.png)"))
  }

  @Test func runtimeErrorStopsWithCode70() {
    let interpreter = Interpreter()
    interpreter.output = { _ in }
    var errors = ""
    let code = ScriptRunner.execute(
      source: SourceFile(name: "bad.vs", text: "x = 1\ny = x.nope\nprint(\"never\")"),
      interpreter: interpreter,
      echo: false, reportPath: nil, commandLine: "", err: { errors += $0 })
    #expect(code == ExitCodes.runtime)
    #expect(errors.hasPrefix("bad.vs:2:7: error: int has no property or method 'nope'"))
  }

  @Test func syntaxErrorStopsWithCode65() {
    let code = ScriptRunner.execute(
      source: SourceFile(name: "bad.vs", text: "x = (1"), interpreter: Interpreter(), echo: false,
      reportPath: nil, commandLine: "", err: { _ in })
    #expect(code == ExitCodes.syntax)
  }
}

@Suite struct RunReportTests {
  @Test func pngLinksAreRelativeToTheReport() {
    #expect(RunReport.link(to: "loss.png", from: "/tmp/a", reportPath: "run.md") == "loss.png")
    #expect(
      RunReport.link(to: "loss.png", from: "/tmp/a", reportPath: "out/run.md") == "../loss.png")
    #expect(
      RunReport.link(to: "plots/x.png", from: "/tmp/a", reportPath: "/tmp/a/plots/r.md") == "x.png")
  }
}
