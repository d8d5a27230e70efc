import Foundation
import Interpreter

/// The interactive loop's logic, free of terminal I/O: prompts, continuation, evaluation, `_`, errors.
final class REPL {
  /// The session's interpreter (one for the whole session; errors never reset it).
  let interpreter: Interpreter
  /// The number shown in the next prompt.
  private(set) var counter = 1
  /// Lines of an unfinished input.
  private(set) var buffer: [String] = []
  /// Whether prompts are shown (false for piped stdin).
  let interactive: Bool
  private let emitOut: (String) -> Void
  private let emitErr: (String) -> Void
  private var blankLinesInContinuation = 0

  init(
    interpreter: Interpreter, interactive: Bool, out: @escaping (String) -> Void,
    err: @escaping (String) -> Void
  ) {
    self.interpreter = interpreter
    self.interactive = interactive
    self.emitOut = out
    self.emitErr = err
    interpreter.output = out
  }

  /// `[3]> ` for a new input, `...> ` aligned under it while an input continues.
  var prompt: String {
    let main = "[\(counter)]> "
    if buffer.isEmpty { return main }
    return String(repeating: " ", count: max(0, main.count - 5)) + "...> "
  }

  /// What happened to a fed line.
  enum Outcome: Equatable {
    /// The input is unfinished (open brace, paren, bracket or string).
    case needMore
    /// The input ran (or failed with a reported error).
    case done
    /// Nothing to do (an empty line).
    case empty
  }

  /// Feeds one line; runs the accumulated input once it is complete.
  @discardableResult
  func feed(_ line: String) -> Outcome {
    if buffer.isEmpty && line.trimmingCharacters(in: .whitespaces).isEmpty { return .empty }
    if !buffer.isEmpty && line.trimmingCharacters(in: .whitespaces).isEmpty {
      blankLinesInContinuation += 1
      // Two blank lines force the unfinished input to run, so its error is shown.
      if blankLinesInContinuation < 2 {
        buffer.append(line)
        return .needMore
      }
      return runBuffer(force: true)
    }
    if buffer.isEmpty, let topic = helpShortcut(line) {
      // IPython's `obj?`: help for a name or a member chain.
      buffer = ["help(\(topic))"]
      return runBuffer(force: true)
    }
    buffer.append(line)
    return runBuffer(force: false)
  }

  /// `model.segment?` → `model.segment`; nil for anything else.
  private func helpShortcut(_ line: String) -> String? {
    let t = line.trimmingCharacters(in: .whitespaces)
    guard t.hasSuffix("?"), t.count > 1 else { return nil }
    let name = String(t.dropLast())
    let ok = name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
    guard ok, let first = name.first, first.isLetter || first == "_" else { return nil }
    if interpreter.globals.get(String(name.split(separator: ".").first ?? "")) == nil,
      !name.contains("."), interpreter.registry.functions[name] == nil
    {
      return "\"\(name)\""
    }
    return name
  }

  /// Ctrl-C at the prompt: drops an unfinished input.
  func cancelInput() {
    buffer = []
    blankLinesInContinuation = 0
  }

  private func runBuffer(force: Bool) -> Outcome {
    let text = buffer.joined(separator: "\n")
    let file = SourceFile(name: "In[\(counter)]", text: text)
    let program: Program
    do {
      program = try Parser.parse(file)
    } catch let e as SyntaxErrors {
      if e.isIncomplete && !force { return .needMore }
      emitErr(Diagnostic.render(e.errors) + "\n")
      finishInput()
      return .done
    } catch {
      emitErr("error: \(error)\n")
      finishInput()
      return .done
    }
    interpreter.interrupt.clear()
    for statement in program.statements {
      do {
        if let v = try interpreter.executeTopLevel(statement, in: file) {
          if case .nil = v { continue }
          interpreter.globals.define("_", v)
          emitOut(v.repr + "\n")
        }
      } catch let e as ScriptError {
        // The terminal echoed "^C" without a newline.
        if interactive && e.message == "interrupted" { emitErr("\n") }
        emitErr(Diagnostic.render(e) + "\n")
        interpreter.globals.define("err", .string(e.description))
        break
      } catch let e as SyntaxErrors {
        emitErr(Diagnostic.render(e.errors) + "\n")
        break
      } catch {
        emitErr("error: \(error)\n")
        break
      }
    }
    finishInput()
    return .done
  }

  private func finishInput() {
    buffer = []
    blankLinesInContinuation = 0
    counter += 1
  }

  /// Reads and runs lines until end of input; returns the exit code (always 0: errors are per input).
  func run(_ input: LineInput) -> Int32 {
    while true {
      let shown = interactive ? prompt : ""
      switch input.readLine(prompt: shown) {
      case .eof:
        if interactive { emitOut("\n") }
        if !buffer.isEmpty { _ = runBuffer(force: true) }
        return ExitCodes.ok
      case .interrupted:
        if interactive { emitOut("^C\n") }
        cancelInput()
      case .line(let line):
        if !line.trimmingCharacters(in: .whitespaces).isEmpty { input.addHistory(line) }
        feed(line)
      }
    }
  }

  /// Runs `~/.vistarc.vs` (when present) in the session; errors are reported, not fatal.
  func runStartupFile(_ path: String) {
    guard FileManager.default.fileExists(atPath: path),
      let text = try? String(contentsOfFile: path, encoding: .utf8)
    else { return }
    do {
      let program = try Parser.parse(SourceFile(name: path, text: text))
      try interpreter.run(program)
    } catch let e as ScriptError {
      emitErr(Diagnostic.render(e) + "\n")
    } catch let e as SyntaxErrors {
      emitErr(Diagnostic.render(e.errors) + "\n")
    } catch {
      emitErr("\(path): error: \(error)\n")
    }
  }

  /// Starts the shell on the real terminal (libedit) or on piped stdin.
  static func runInteractive(loadRC: Bool, options: RunOptions) -> Int32 {
    let interpreter = Interpreter()
    do {
      interpreter.overrides = try ScriptRunner.parseOverrides(options.overrides)
    } catch {
      writeError("vista: \(error)")
      return ExitCodes.usage
    }
    for (name, value) in interpreter.overrides { interpreter.globals.define(name, value) }
    let tty = isatty(0) == 1
    let repl = REPL(
      interpreter: interpreter, interactive: tty, out: writeOut, err: { writeError($0) })
    installInterruptHandler()
    if loadRC {
      repl.runStartupFile(homeDirectory() + "/.vistarc.vs")
    }
    if tty {
      let historyPath = homeDirectory() + "/.vista_history"
      let input = EditLineInput(
        historyPath: historyPath, completer: Completer(interpreter: interpreter))
      writeOut("Vista Shell 0.1.0 · help for commands, help(name) for one, Ctrl-D to exit\n")
      return repl.run(input)
    }
    return repl.run(StdinLineInput())
  }
}

/// Installs a SIGINT handler that requests an interrupt (no SA_RESTART, so a blocked read returns).
///
/// The flag is polled at safe points; a second Ctrl-C before the first is seen ends the process (exit 130).
func installInterruptHandler() {
  var action = sigaction()
  // A second Ctrl-C while the first is still pending (a builtin that never checks) exits.
  action.__sigaction_handler.sa_handler = { _ in
    if Interrupt.isRequested { _exit(130) }
    Interrupt.request()
  }
  sigemptyset(&action.sa_mask)
  action.sa_flags = 0
  sigaction(SIGINT, &action, nil)
  // A parent may have started us with SIGINT blocked (threads of test runners often block signals).
  var set = sigset_t()
  sigemptyset(&set)
  sigaddset(&set, SIGINT)
  pthread_sigmask(SIG_UNBLOCK, &set, nil)
}

/// `$HOME`, falling back to the account's home directory.
func homeDirectory() -> String {
  if let h = ProcessInfo.processInfo.environment["HOME"], !h.isEmpty { return h }
  return NSHomeDirectory()
}
