import ArgumentParser
import Foundation
import Interpreter

/// Options shared by `vista exp.vs` and `vista run exp.vs`.
struct RunOptions: ParsableArguments {
  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "Override a top-level assignment: --set lr=1e-4 (repeatable).", valueName: "name=value"))
  var overrides: [String] = []

  @Flag(help: "Print each top-level statement before its output.")
  var echo = false

  @Option(help: "Write a notebook-style markdown report (statements, output, timing, PNGs).")
  var report: String?
}

/// The `vista` command: REPL, script replay and engine checks.
struct Vista: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vista",
    abstract:
      "Vista Shell: finetune and run MONAI's VISTA3D on a CPU, from a REPL or a .vs script.",
    discussion: """
      With no arguments, starts the interactive shell (history in ~/.vista_history, startup file ~/.vistarc.vs).
      `vista exp.vs` runs a script, like `vista run exp.vs`.
      Exit codes: 0 ok, 64 usage, 65 syntax error, 70 runtime error.
      """,
    version: "vista 0.1.0",
    subcommands: [Start.self, Run.self, Smoke.self, Builtins.self],
    defaultSubcommand: Start.self
  )
}

/// `vista [exp.vs]`: the interactive shell, or a script when one is named.
struct Start: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "shell",
    abstract: "Start the interactive shell (the default), or run a script if one is named.")

  @ArgumentParser.Argument(help: "A .vs script to run (omit for the interactive shell).")
  var script: String?

  @Flag(name: .customLong("no-rc"), help: "Do not run ~/.vistarc.vs at start.")
  var noRC = false

  @OptionGroup var options: RunOptions

  func run() throws {
    if let script {
      let code = ScriptRunner(options: options).run(path: script)
      if code != 0 { throw ExitCode(code) }
      return
    }
    let code = REPL.runInteractive(loadRC: !noRC, options: options)
    if code != 0 { throw ExitCode(code) }
  }
}

/// `vista run exp.vs [--set name=value] [--echo] [--report run.md]`.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a .vs script headless, optionally with overrides, echo and a markdown report.")

  @ArgumentParser.Argument(help: "The .vs script.")
  var script: String

  @OptionGroup var options: RunOptions

  func run() throws {
    let code = ScriptRunner(options: options).run(path: script)
    if code != 0 { throw ExitCode(code) }
  }
}

/// `vista smoke`: a small engine computation that proves the build works.
struct Smoke: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a small engine computation and report the BLAS kernels.")

  func run() throws {
    print(try Engine.smoke())
  }
}

/// `vista builtins`: the markdown reference of every builtin (what docs/builtins.md holds).
struct Builtins: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the markdown reference of every builtin (regenerates docs/builtins.md).")

  func run() throws {
    print(BuiltinReference.markdown(.standard()), terminator: "")
  }
}
