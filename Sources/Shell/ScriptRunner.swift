import Foundation
import Interpreter

/// Exit codes of `vista` (sysexits.h, as jlox).
enum ExitCodes {
  static let ok: Int32 = 0
  static let usage: Int32 = 64
  static let syntax: Int32 = 65
  static let runtime: Int32 = 70
}

/// Writes to standard error.
func writeError(_ text: String) {
  FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Writes to standard output (unbuffered, so it interleaves with stderr correctly).
func writeOut(_ text: String) {
  FileHandle.standardOutput.write(Data(text.utf8))
}

/// Runs a script file headless: overrides, `--echo`, `--report`; returns the exit code.
struct ScriptRunner {
  /// The command-line options.
  var options: RunOptions

  /// Runs `path`; diagnostics go to stderr.
  func run(path: String) -> Int32 {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      writeError("vista: cannot read script '\(path)'")
      return ExitCodes.usage
    }
    let interpreter = Interpreter()
    do {
      interpreter.overrides = try Self.parseOverrides(options.overrides)
    } catch {
      writeError("vista: \(error)")
      return ExitCodes.usage
    }
    for (name, value) in interpreter.overrides { interpreter.globals.define(name, value) }
    installInterruptHandler()
    return Self.execute(
      source: SourceFile(name: path, text: text), interpreter: interpreter, echo: options.echo,
      reportPath: options.report,
      commandLine: (["vista"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
  }

  /// Parses `name=value` overrides; values are `.vs` expressions (`1e-4`, `[96, 96, 96]`) or bare text.
  static func parseOverrides(_ items: [String]) throws -> [String: Value] {
    var result: [String: Value] = [:]
    let scratch = Interpreter()
    for item in items {
      guard let eq = item.firstIndex(of: "="), !item[..<eq].isEmpty else {
        throw RuntimeFailure("--set expects name=value, got '\(item)'")
      }
      let name = String(item[..<eq]).trimmingCharacters(in: .whitespaces)
      let text = String(item[item.index(after: eq)...])
      scratch.output = { _ in }
      if (try? scratch.run("__value = \(text)", name: "--set")) != nil,
        let v = scratch.globals.get("__value")
      {
        result[name] = v
      } else {
        result[name] = .string(text)
      }
    }
    return result
  }

  /// Executes a parsed or unparsed source statement by statement with optional echo and report.
  static func execute(
    source: SourceFile, interpreter: Interpreter, echo: Bool, reportPath: String?,
    commandLine: String, err writeError: (String) -> Void = writeError
  ) -> Int32 {
    let program: Program
    do {
      program = try Parser.parse(source)
    } catch let e as SyntaxErrors {
      writeError(Diagnostic.render(e.errors))
      return ExitCodes.syntax
    } catch {
      writeError("\(source.name): error: \(error)")
      return ExitCodes.syntax
    }
    var report = reportPath.map { _ in RunReport(script: source.name, commandLine: commandLine) }
    var captured = ""
    interpreter.output = { text in
      writeOut(text)
      captured += text
    }
    // Relative paths in the script resolve against the interpreter's working directory.
    let scanDirectory = interpreter.workingDirectory
    var code = ExitCodes.ok
    for statement in program.statements {
      let text = RunReport.sourceText(of: statement, in: source)
      if echo {
        writeOut(
          text.split(separator: "\n", omittingEmptySubsequences: false).map { "> \($0)" }.joined(
            separator: "\n") + "\n")
      }
      captured = ""
      let before = report == nil ? [:] : RunReport.pngSnapshot(scanDirectory)
      let start = Date()
      var failure: String? = nil
      if case .assign(let target, nil, _) = statement.kind, case .variable(let name) = target.kind,
        let v = interpreter.overrides[name]
      {
        let note = "# --set \(name) = \(v.repr)\n"
        if echo { writeOut(note) }
        captured += note
      }
      do {
        if let v = try interpreter.executeTopLevel(statement, in: source), !isNil(v) {
          // Like a notebook, an expression's value is shown (echo) and recorded (report).
          if echo { writeOut(v.repr + "\n") }
          captured += v.repr + "\n"
        }
      } catch let e as ScriptError {
        failure = Diagnostic.render(e)
      } catch let e as SyntaxErrors {
        failure = Diagnostic.render(e.errors)
        code = ExitCodes.syntax
      } catch {
        failure = "\(source.name): error: \(error)"
      }
      let elapsed = Date().timeIntervalSince(start)
      if report != nil {
        let after = RunReport.pngSnapshot(scanDirectory)
        let newPNGs = after.filter { before[$0.key] != $0.value }.keys.sorted().map {
          RunReport.link(to: $0, from: scanDirectory, reportPath: reportPath ?? "")
        }
        report?.add(source: text, output: captured, seconds: elapsed, pngs: newPNGs, error: failure)
      }
      if let failure {
        writeError(failure)
        if code == ExitCodes.ok { code = ExitCodes.runtime }
        break
      }
    }
    if let reportPath, let report {
      do {
        let url = URL(fileURLWithPath: reportPath)
        try FileManager.default.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try report.markdown().write(to: url, atomically: true, encoding: .utf8)
      } catch {
        writeError("vista: cannot write report '\(reportPath)': \(error.localizedDescription)")
        if code == ExitCodes.ok { code = ExitCodes.usage }
      }
    }
    return code
  }
}

/// Whether a value is nil.
func isNil(_ v: Value) -> Bool {
  if case .nil = v { return true }
  return false
}
