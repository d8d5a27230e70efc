import Foundation

extension BuiltinRegistry {
  /// print, len, str/int/float/bool, type, range, assert, error, timeit.
  mutating func installCore() {
    register(
      Builtin(
        "print",
        [
          Param("sep", .string, default: .string(" "), "text between values"),
          Param("end", .string, default: .string("\n"), "text after the last value"),
        ],
        variadic: Param("values", .any), summary: "Print values separated by spaces.",
        example: "print(\"epoch\", e, \"loss\", loss)"
      ) { a in
        let text = a.rest.map(\.str).joined(separator: try a.string("sep"))
        a.interpreter.write(text + (try a.string("end")))
        return .nil
      })
    register(
      Builtin(
        "len", [Param("x", .any, "a list, dict, str or range")], summary: "Number of items.",
        example: "len([1, 2, 3])  # 3"
      ) { a in
        switch a.value("x") {
        case .list(let l): return .int(l.items.count)
        case .dict(let d): return .int(d.count)
        case .string(let s): return .int(s.count)
        case .range(let r): return .int(r.count)
        case let v:
          if let m = a.interpreter.registry.method("__len__", of: v) {
            return try m.body(
              Arguments(
                callee: "len", receiver: v, values: [:], rest: [], interpreter: a.interpreter))
          }
          throw RuntimeFailure("len() of \(v.typeName) is not defined", argument: "x")
        }
      })
    register(
      Builtin(
        "str", [Param("x", .any, default: .string(""))], summary: "Convert to text.",
        example: "str(3.5)  # \"3.5\""
      ) { a in .string(a.value("x").str) })
    register(
      Builtin("repr", [Param("x", .any)], summary: "Text a value echoes as (strings quoted).") {
        a in
        .string(a.value("x").repr)
      })
    register(
      Builtin(
        "int", [Param("x", .any, default: .int(0))], summary: "Convert to int (truncates floats).",
        example: "int(\"42\"), int(3.9)  # 42, 3"
      ) { a in
        switch a.value("x") {
        case .int(let i): return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        case .float(let f):
          guard f.isFinite, abs(f) < 9.2e18 else {
            throw RuntimeFailure("cannot convert \(formatFloat(f)) to int")
          }
          return .int(Int(f))
        case .string(let s):
          if let i = Int(s.trimmingCharacters(in: .whitespaces)) { return .int(i) }
          throw RuntimeFailure("cannot convert \"\(s)\" to int", argument: "x")
        case let v: throw RuntimeFailure("cannot convert \(v.typeName) to int", argument: "x")
        }
      })
    register(
      Builtin(
        "float", [Param("x", .any, default: .float(0))], summary: "Convert to float.",
        example: "float(\"1e-4\")"
      ) { a in
        switch a.value("x") {
        case .string(let s):
          if let d = Double(s.trimmingCharacters(in: .whitespaces)) { return .float(d) }
          throw RuntimeFailure("cannot convert \"\(s)\" to float", argument: "x")
        case let v:
          guard let d = v.number else {
            throw RuntimeFailure("cannot convert \(v.typeName) to float", argument: "x")
          }
          return .float(d)
        }
      })
    register(
      Builtin("bool", [Param("x", .any, default: .bool(false))], summary: "Truthiness of a value.")
      { a in
        .bool(a.value("x").isTruthy)
      })
    register(
      Builtin(
        "type", [Param("x", .any)], summary: "The type name of a value.",
        example: "type([1])  # \"list\""
      ) { a in .string(a.value("x").typeName) })
    register(
      Builtin(
        "range",
        [
          Param("start", .int, "first value (or the end, when alone)"),
          Param("stop", .optional(.int), default: Value.nil, "end (exclusive)"),
          Param("step", .int, default: .int(1), "increment"),
        ],
        summary: "Integers from start up to (not including) stop.",
        example: "range(5)  # 0..<5;  range(0, 10, 2)"
      ) { a in
        let step = try a.int("step")
        if step == 0 { throw RuntimeFailure("range() step must not be zero", argument: "step") }
        if a.has("stop") {
          return .range(RangeValue(start: try a.int("start"), end: try a.int("stop"), step: step))
        }
        return .range(RangeValue(start: 0, end: try a.int("start"), step: step))
      })
    register(
      Builtin(
        "assert",
        [
          Param("condition", .any), Param("message", .string, default: .string("assertion failed")),
        ],
        summary: "Stop with an error when the condition is false."
      ) { a in
        if !a.value("condition").isTruthy { throw RuntimeFailure(try a.string("message")) }
        return .nil
      })
    register(
      Builtin("error", [Param("message", .string)], summary: "Stop with an error message.") { a in
        throw RuntimeFailure(try a.string("message"))
      })
    register(
      Builtin(
        "timeit",
        [
          Param("f", .function, "a function of no arguments"),
          Param("number", .int, default: .int(1), "calls per measurement"),
          Param("repeat", .int, default: .int(5), "measurements"),
        ],
        summary: "Time a function: mean ± std. dev. per call (as IPython's %timeit).",
        example: "timeit(fn() { sum(0..<1000) }, number=100)"
      ) { a in
        let f = a.value("f")
        let number = max(1, try a.int("number"))
        let repeats = max(1, try a.int("repeat"))
        var times: [Double] = []
        for _ in 0..<repeats {
          let t0 = Date()
          for _ in 0..<number {
            try a.interpreter.interrupt.check()
            _ = try a.interpreter.call(f, [])
          }
          times.append(Date().timeIntervalSince(t0) / Double(number))
        }
        let mean = times.reduce(0, +) / Double(times.count)
        let sd = (times.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(times.count))
          .squareRoot()
        a.interpreter.write(
          "\(formatSeconds(mean)) ± \(formatSeconds(sd)) per loop (mean ± std. dev. of \(repeats) runs, \(number) loop\(number == 1 ? "" : "s") each)\n"
        )
        return .float(mean)
      })
  }

  /// abs, min, max, sum, round, sqrt, exp, log, sin, cos, floor, ceil.
  mutating func installMath() {
    register(
      Builtin("abs", [Param("x", .number)], summary: "Absolute value.") { a in
        if case .int(let i) = a.value("x") {
          if i == Int.min { throw RuntimeFailure("integer overflow") }
          return .int(Swift.abs(i))
        }
        return .float(Swift.abs(try a.double("x")))
      })
    for (name, isMin) in [("min", true), ("max", false)] {
      register(
        Builtin(
          name, [], variadic: Param("values", .any),
          summary: "The \(isMin ? "smallest" : "largest") of several values, or of one list.",
          example: "\(name)(3, 1, 2), \(name)([3, 1, 2])"
        ) { a in
          var items = a.rest
          if items.count == 1 {
            switch items[0] {
            case .list(let l): items = l.items
            case .range: items = try a.interpreter.materialize(items[0])
            default: break
            }
          }
          guard var best = items.first else {
            throw RuntimeFailure("\(name)() of an empty sequence")
          }
          let here = SourceRange(.start, .start)
          for v in items.dropFirst() {
            let c = try a.interpreter.compare(v, best, range: here)
            if isMin ? c < 0 : c > 0 { best = v }
          }
          return best
        })
    }
    register(
      Builtin(
        "sum", [Param("items", .list), Param("start", .number, default: .int(0))],
        summary: "Sum of numbers.", example: "sum([1, 2, 3])  # 6"
      ) { a in
        var total = a.value("start")
        let here = SourceRange(.start, .start)
        for v in try a.list("items") {
          total = try a.interpreter.binary(.add, total, v, range: here)
        }
        return total
      })
    register(
      Builtin(
        "round", [Param("x", .number), Param("digits", .optional(.int), default: Value.nil)],
        summary: "Round half to even (as Python); an int without digits.",
        example: "round(3.14159, 2)"
      ) { a in
        let x = try a.double("x")
        if !a.has("digits") {
          let r = x.rounded(.toNearestOrEven)
          guard r.isFinite, Swift.abs(r) < 9.2e18 else {
            throw RuntimeFailure("cannot round \(formatFloat(x)) to int")
          }
          return .int(Int(r))
        }
        let p = pow(10.0, Double(try a.int("digits")))
        return .float((x * p).rounded(.toNearestOrEven) / p)
      })
    let unary: [(String, String, (Double) -> Double)] = [
      ("sqrt", "Square root.", { $0.squareRoot() }),
      ("exp", "e to the power x.", { Foundation.exp($0) }),
      ("log", "Natural logarithm.", { Foundation.log($0) }),
      ("sin", "Sine (radians).", { Foundation.sin($0) }),
      ("cos", "Cosine (radians).", { Foundation.cos($0) }),
      ("tanh", "Hyperbolic tangent.", { Foundation.tanh($0) }),
    ]
    for (name, summary, f) in unary {
      register(
        Builtin(name, [Param("x", .number)], summary: summary) { a in
          let x = try a.double("x")
          if (name == "sqrt" && x < 0) || (name == "log" && x <= 0) {
            throw RuntimeFailure("\(name)() of \(formatFloat(x)) is undefined", argument: "x")
          }
          return .float(f(x))
        })
    }
    for (name, down) in [("floor", true), ("ceil", false)] {
      register(
        Builtin(name, [Param("x", .number)], summary: "Round \(down ? "down" : "up") to an int.") {
          a in
          let r = (try a.double("x")).rounded(down ? .down : .up)
          guard r.isFinite, Swift.abs(r) < 9.2e18 else {
            throw RuntimeFailure("\(name)() result does not fit an int")
          }
          return .int(Int(r))
        })
    }
  }
}
