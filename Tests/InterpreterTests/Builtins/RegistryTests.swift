import Testing

@testable import Interpreter

@Suite struct RegistryTests {
  @Test func everyBuiltinIsDocumented() {
    let r = BuiltinRegistry.standard()
    #expect(r.functions.count >= 40)
    for b in r.functions.values {
      #expect(!b.summary.isEmpty, "\(b.name) has no summary")
      #expect(b.signature.hasPrefix(b.name + "("))
    }
    for t in r.types.values {
      for m in t.methods.values {
        #expect(!m.summary.isEmpty, "\(t.name).\(m.name) has no summary")
      }
    }
  }

  @Test func helpRendersForEveryFunctionAndType() {
    let interpreter = Interpreter()
    for name in interpreter.registry.functions.keys {
      #expect(interpreter.helpText(for: .string(name)).hasPrefix(name + "("))
    }
    for name in interpreter.registry.types.keys {
      #expect(interpreter.helpText(for: .string(name)).hasPrefix(name))
    }
    #expect(
      interpreter.helpText(for: .string("prnt")) == "no help for 'prnt'; did you mean 'print'?")
  }

  @Test func signaturesShowDefaultsAndVariadics() throws {
    let r = BuiltinRegistry.standard()
    #expect(r.functions["print"]?.signature == "print(*values, sep=\" \", end=\"\\n\")")
    #expect(r.functions["rand"]?.signature == "rand(shape, seed=0)")
  }

  @Test func typeErrorsPointAtTheArgument() throws {
    let interpreter = Interpreter()
    do {
      try interpreter.run("rand([2, 2], seed=\"x\")")
      Issue.record("should fail")
    } catch let e as ScriptError {
      #expect(e.message == "argument 'seed' of rand() must be int, got str")
      #expect(e.range?.start.column == 19)
    }
  }

  @Test func paramTypesAcceptWhatTheySay() {
    #expect(ParamType.number.accepts(.int(1)))
    #expect(ParamType.number.accepts(.float(1)))
    #expect(!ParamType.int.accepts(.float(1)))
    #expect(ParamType.list.accepts(.range(RangeValue(start: 0, end: 3))))
    #expect(ParamType.optional(.string).accepts(.nil))
    #expect(ParamType.oneOf([.int, .string]).accepts(.string("a")))
    #expect(ParamType.object("Tensor").description == "Tensor")
    #expect(ParamType.optional(.int).description == "int or nil")
  }
}

@Suite struct ArgumentAccessorTests {
  @Test func optionalAccessorsReturnNilWhenAbsent() throws {
    var r = BuiltinRegistry.standard()
    var seen: [String] = []
    r.register(
      Builtin(
        "probe",
        [
          Param("n", .optional(.int), default: Value.nil),
          Param("lr", .optional(.number), default: Value.nil),
          Param("name", .optional(.string), default: Value.nil),
          Param("patch", .optional(.list), default: Value.nil),
        ],
        summary: "records what it got"
      ) { a in
        seen.append(
          "\(try a.intIfPresent("n") as Any) \(try a.doubleIfPresent("lr") as Any) "
            + "\(try a.stringIfPresent("name") as Any) \(try a.intsIfPresent("patch") as Any)")
        return .ints([1, 2])
      })
    let interpreter = Interpreter(registry: r)
    try interpreter.run("x = probe()\ny = probe(n=3, lr=1, name=\"a\", patch=[2, 2])")
    #expect(
      seen == ["nil nil nil nil", "Optional(3) Optional(1.0) Optional(\"a\") Optional([2, 2])"])
    #expect(interpreter.globals.get("x")?.repr == "[1, 2]")
  }
}
