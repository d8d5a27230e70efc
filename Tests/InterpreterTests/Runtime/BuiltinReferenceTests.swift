import Foundation
import Testing

@testable import Interpreter

/// `docs/builtins.md` is generated from the registry; these tests keep it in sync and check the rendering.
@Suite struct BuiltinReferenceTests {
  static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("docs/builtins.md")

  @Test func committedFileMatchesTheRegistry() throws {
    let committed = (try? String(contentsOf: Self.docs, encoding: .utf8)) ?? ""
    let generated = BuiltinReference.markdown(.standard())
    if committed == generated { return }
    let old = committed.split(separator: "\n", omittingEmptySubsequences: false)
    let new = generated.split(separator: "\n", omittingEmptySubsequences: false)
    let first =
      (0..<min(old.count, new.count)).first { old[$0] != new[$0] } ?? min(old.count, new.count)
    let was = first < old.count ? String(old[first]) : "<end of file>"
    let now = first < new.count ? String(new[first]) : "<end of file>"
    Issue.record(
      """
      docs/builtins.md is out of date with the builtin registry; regenerate it with
        \(BuiltinReference.regenerateCommand)
      first difference at line \(first + 1):
        file:      \(was)
        registry:  \(now)
      """)
  }

  @Test func listsEveryFunctionTypeMethodAndProperty() {
    let registry = BuiltinRegistry.standard()
    let text = BuiltinReference.markdown(registry)
    for b in registry.functions.values {
      #expect(text.contains("| `\(b.signature)"), "function \(b.name) missing")
    }
    for t in registry.types.values {
      #expect(text.contains("\n### \(t.name)\n"), "type \(t.name) missing")
      for m in t.methods.values where !m.name.hasPrefix("__") {
        #expect(text.contains("| `.\(m.signature)"), "method \(t.name).\(m.name) missing")
      }
      for p in t.properties.values {
        #expect(text.contains("| `.\(p.name)`"), "property \(t.name).\(p.name) missing")
      }
    }
  }

  @Test func outputIsSortedAndHidesHooks() {
    var r = BuiltinRegistry()
    for name in ["zeta", "alpha", "mid"] {
      r.register(Builtin(name, summary: "\(name) summary") { _ in .nil })
    }
    r.registerType("Thing", summary: "A thing")
    r.registerMethod(on: "Thing", Builtin("run", summary: "Runs.") { _ in .nil })
    r.registerMethod(on: "Thing", Builtin("__iter__", summary: "hook") { _ in .nil })
    r.registerType("list", summary: "A list")
    let text = BuiltinReference.markdown(r)
    let a = text.range(of: "`alpha()`")!.lowerBound
    let m = text.range(of: "`mid()`")!.lowerBound
    let z = text.range(of: "`zeta()`")!.lowerBound
    #expect(a < m && m < z)
    // Object types (capitalised) come before the value types.
    #expect(text.range(of: "### Thing")!.lowerBound < text.range(of: "### list")!.lowerBound)
    #expect(!text.contains("__iter__"))
    #expect(BuiltinReference.markdown(r) == text)
  }

  @Test func tableCellsEscapePipes() {
    var r = BuiltinRegistry()
    r.register(
      Builtin("either", [Param("x", default: .string("a|b"))], summary: "a | b") { _ in .nil })
    let text = BuiltinReference.markdown(r)
    #expect(text.contains(#"| `either(x="a\|b")` | a \| b |"#))
  }
}
