import ArgumentParser
import Interpreter

/// The `vista` command: REPL, script replay and engine checks.
struct Vista: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vista",
    abstract: "Vista Shell: finetune and run MONAI's VISTA3D on a CPU, from a REPL or a .vs script.",
    version: "vista 0.1.0",
    subcommands: [Smoke.self]
  )
}

/// `vista smoke`: a small engine computation that proves the build works.
struct Smoke: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Run a small engine computation and report the BLAS kernels.")

  func run() throws {
    print(try Engine.smoke())
  }
}
