import Foundation
import Testing

@testable import Interpreter

/// Random inputs must only ever produce errors, never a crash or a hang.
@Suite struct FuzzTests {
  /// SplitMix64: a tiny seeded generator so failures reproduce.
  struct Rng: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static let vocabulary = [
    "x", "y", "f", "xs", "print", "len", "fn", "if", "else", "for", "in", "while", "break",
    "continue",
    "return", "run", "time", "true", "false", "nil", "and", "or", "not", "(", ")", "[", "]", "{",
    "}", ",",
    ".", ":", ";", "\n", "+", "-", "*", "/", "//", "%", "**", "=", "==", "!=", "<", "<=", ">", ">=",
    "+=",
    "..", "..<", "0", "1", "2.5", "1e-4", "-1", "\"s\"", "\"{x}\"", "\"{x:.3f}\"", "\"{", "'", "#",
    "!",
    "append", "keys", "help", "vars", "sum", "range", "zeros", "rand", "lr=", "=1", "\"", "{{",
    "}}",
  ]

  /// Parses and (if it parses) runs text in a sandbox; any thrown error is fine.
  static func exercise(_ text: String) {
    var registry = BuiltinRegistry.standard()
    for name in ["write_text", "save_npy", "timeit"] { registry.unregister(name) }
    let interpreter = Interpreter(registry: registry)
    interpreter.output = { _ in }
    interpreter.statementBudget = 3000
    interpreter.maxCallDepth = 40
    interpreter.maxEvalDepth = 400
    interpreter.workingDirectory = "/nonexistent-fuzz-dir"
    let file = SourceFile(name: "fuzz.vs", text: text)
    guard let program = try? Parser.parse(file) else { return }
    for s in program.statements {
      if let e = try? interpreter.executeTopLevel(s, in: file) { _ = e.repr }
    }
  }

  @Test func tokenSoupNeverCrashes() {
    var rng = Rng(state: 42)
    for _ in 0..<1500 {
      let n = Int.random(in: 1...30, using: &rng)
      let text = (0..<n).map { _ in Self.vocabulary.randomElement(using: &rng)! }
        .joined(separator: Bool.random(using: &rng) ? " " : "")
      Self.exercise(text)
    }
  }

  @Test func mutatedFixturesNeverCrash() throws {
    let fm = FileManager.default
    let root = FixtureTests.root
    let files = (fm.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? [])
      .filter { $0.hasSuffix(".vs") && !$0.contains("files.vs") && !$0.contains("tensors.vs") }
    #expect(!files.isEmpty)
    var rng = Rng(state: 7)
    for file in files.sorted() {
      let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
      let chars = Array(text.unicodeScalars)
      for _ in 0..<40 {
        var mutated = chars
        for _ in 0..<Int.random(in: 1...4, using: &rng) where !mutated.isEmpty {
          let i = Int.random(in: 0..<mutated.count, using: &rng)
          switch Int.random(in: 0..<4, using: &rng) {
          case 0: mutated.remove(at: i)
          case 1: mutated.insert(mutated[Int.random(in: 0..<mutated.count, using: &rng)], at: i)
          case 2:
            let j = Int.random(in: 0..<mutated.count, using: &rng)
            mutated.swapAt(i, j)
          default:
            let token = Self.vocabulary.randomElement(using: &rng)!
            mutated.insert(contentsOf: token.unicodeScalars, at: i)
          }
        }
        var s = String.UnicodeScalarView()
        s.append(contentsOf: mutated)
        Self.exercise(String(s))
      }
    }
  }

  @Test func pathologicalInputsAreErrors() {
    for text in [
      String(repeating: "[", count: 3000), String(repeating: "-", count: 3000) + "1",
      String(repeating: "not ", count: 3000) + "x", String(repeating: "\"{", count: 500),
      "x = " + String(repeating: "f(", count: 2000), String(repeating: "{", count: 2000),
      "fn f() { return f() }\nf()", "\"a\" * 100000000000", "[0] * 100000000000",
      "list(0..<100000000000)",
      "2 ** 2 ** 2 ** 2 ** 2 ** 2", "x = -9223372036854775807 - 1\nprint(-x)",
      "xs = [1]\nxs.append(xs)\nprint(xs)",
      "a = [1]\na.append(a)\nb = [1]\nb.append(b)\nprint(a == b, a < b)",
      "\u{0}\u{7f}\u{feff}é",
      "r = range(-9223372036854775807, 9223372036854775807)\nprint(len(r), 5 in r, r[-1])",
      "print(len(range(9223372036854775807, -9223372036854775807, -3)), 0 in range(10, 0, -1))",
      "load_npy(\"/etc/hostname\")", "int(1e300)", "round(1e300)", "\"{1:.100f}\"", "zeros([-1])",
      "fn(", "}}}}", "run \"fuzz.vs\"",
    ] {
      Self.exercise(text)
    }
  }
}
