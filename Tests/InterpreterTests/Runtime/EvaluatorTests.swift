import Testing

@testable import Interpreter

/// A stand-in bound object, as a binding would define one.
final class FakeModel: ScriptObject {
  var lr = 1e-4
  var typeName: String { "Model" }
  var summary: String { "Model fake · 1.0M params · fp32" }
}

@Suite struct EvaluatorTests {
  func run(_ text: String, _ setup: (inout BuiltinRegistry) -> Void = { _ in }) throws -> String {
    var registry = BuiltinRegistry.standard()
    setup(&registry)
    let interpreter = Interpreter(registry: registry)
    var out = ""
    interpreter.output = { out += $0 }
    try interpreter.run(text)
    return out
  }

  func addModel(_ r: inout BuiltinRegistry) {
    r.registerType("Model", summary: "a fake model")
    r.register(
      Builtin("model", [Param("size", .int, default: .int(1))], summary: "Make a model.") { _ in
        .object(FakeModel())
      })
    r.registerProperty(
      on: "Model",
      Property(
        "lr", "learning rate",
        get: { .float($0.object(as: FakeModel.self)?.lr ?? 0) },
        set: { m, v in m.object(as: FakeModel.self)?.lr = v.number ?? 0 }))
    r.registerMethod(
      on: "Model",
      Builtin(
        "segment", [Param("image", .any), Param("classes", .list, default: .list([]))],
        summary: "Segment."
      ) { a in
        let m = try a.receiver(as: FakeModel.self)
        return .string("segmented \(try a.ints("classes")) at lr \(m.lr)")
      })
  }

  @Test func boundObjectsPrintPropertiesAndMethods() throws {
    let out = try run(
      "m = model()\nprint(m)\nm.lr = 0.5\nm.lr *= 2\nprint(m.segment(1, classes=[3]))\nprint(type(m))",
      addModel)
    #expect(out == "Model fake · 1.0M params · fp32\nsegmented [3] at lr 1.0\nModel\n")
  }

  @Test func methodKeywordsAreCheckedWithSuggestions() throws {
    do {
      _ = try run("m = model()\nm.segment(1, clases=[3])", addModel)
      Issue.record("should fail")
    } catch let e as ScriptError {
      #expect(e.message == "unknown keyword argument 'clases' for Model.segment()")
      #expect(e.help == "did you mean 'classes'? accepted: image, classes")
    }
  }

  @Test func helpIsGeneratedFromTheRegistry() throws {
    let out = try run("m = model()\nhelp(m)\nhelp(m.segment)", addModel)
    #expect(out.contains("Model — a fake model"))
    // Column width depends on the other members of "Model" (the real binding adds some).
    #expect(
      out.split(separator: "\n").contains {
        $0.trimmingCharacters(in: .whitespaces).hasPrefix("lr ") && $0.hasSuffix("  learning rate")
      })
    #expect(out.contains("Model.segment(image, classes=[])"))
  }

  @Test func varsListsNameTypeSummary() throws {
    let out = try run("m = model()\nlr = 1e-4\nvars", addModel)
    #expect(out.contains("Variable"))
    #expect(out.contains("m         Model  Model fake · 1.0M params · fp32"))
    #expect(out.contains("lr        float  0.0001"))
  }

  @Test func overridesReplaceTopLevelAssignments() throws {
    let interpreter = Interpreter()
    var out = ""
    interpreter.output = { out += $0 }
    interpreter.overrides = ["lr": .float(0.5)]
    try interpreter.run("lr = 1e-4\nfn f() { lr = 3; return lr }\nprint(lr, f())")
    #expect(out == "0.5 3\n")
  }

  @Test func statementBudgetStopsEndlessLoops() {
    let interpreter = Interpreter()
    interpreter.statementBudget = 1000
    #expect(throws: ScriptError.self) { try interpreter.run("while true { x = 1 }") }
  }

  @Test func interruptStopsALoopAtTheNextStatement() throws {
    let interpreter = Interpreter()
    interpreter.interrupt = InterruptFlag()
    interpreter.statementBudget = 10_000
    var seen = 0
    interpreter.registry.register(
      Builtin("tick", [], summary: "count") { a in
        seen += 1
        if seen == 5 { a.interpreter.interrupt.request() }
        return .nil
      })
    do {
      try interpreter.run("i = 0\nwhile true { tick(); i += 1 }")
      Issue.record("should be interrupted")
    } catch let e as ScriptError {
      #expect(e.message == "interrupted")
    }
    #expect(
      interpreter.globals.get("i").map { valuesEqual($0, .int(4)) || valuesEqual($0, .int(5)) }
        == true)
    #expect(!interpreter.interrupt.isRequested)
  }

  @Test func callbacksFromBuiltinsRunScriptFunctions() throws {
    let out = try run("timeit(fn() { return 1 }, number=2, repeat=2)")
    #expect(out.contains("per loop (mean ± std. dev. of 2 runs, 2 loops each)"))
  }

  @Test func timeStatementPrintsWallAndCpu() throws {
    let out = try run("time x = sum(0..<1000)\nprint(x)")
    #expect(out.hasPrefix("time: wall "))
    #expect(out.hasSuffix("499500\n"))
  }
}
