import Testing

@testable import Interpreter

/// A Sendable stand-in for the `Value`s used as test arguments.
enum Literal: Sendable {
  case int(Int)
  case float(Double)
  case string(String)
  var value: Value {
    switch self {
    case .int(let i): return .int(i)
    case .float(let f): return .float(f)
    case .string(let s): return .string(s)
    }
  }
}

@Suite struct FormattingTests {
  @Test(arguments: [
    (Literal.float(0.123456), ".3f", "0.123"),
    (.float(0.123456), ".4e", "1.2346e-01"),
    (.float(0.5), ".1%", "50.0%"),
    (.int(42), "d", "42"),
    (.int(42), "5d", "   42"),
    (.int(42), "<5", "42   "),
    (.int(42), "^6", "  42  "),
    (.int(-42), "05d", "-0042"),
    (.int(1_234_567), ",", "1,234,567"),
    (.float(1234.5), ",.1f", "1,234.5"),
    (.int(7), "+d", "+7"),
    (.string("ab"), ">4", "  ab"),
    (.string("abcdef"), ".3", "abc"),
    (.int(255), "x", "ff"),
    (.float(2.5), "", "2.5"),
    (.float(1e-4), ".2g", "0.0001"),
    (.float(.infinity), ".2f", "inf"),
    (.int(3), "*>4", "***3"),
  ])
  func formatSpecs(_ value: Literal, _ spec: String, _ expected: String) throws {
    #expect(try formatValue(value.value, spec: spec) == expected)
  }

  @Test func invalidSpecsThrow() {
    #expect(throws: RuntimeFailure.self) { try formatValue(.float(1), spec: ".3q") }
    #expect(throws: RuntimeFailure.self) { try formatValue(.string("x"), spec: ".3f") }
    #expect(throws: RuntimeFailure.self) { try formatValue(.float(1.5), spec: "d") }
    #expect(throws: RuntimeFailure.self) { try formatValue(.int(1), spec: "99999999d") }
  }

  @Test func reprMatchesPythonConventions() throws {
    #expect(Value.float(1).repr == "1.0")
    #expect(Value.float(1e-5).repr == "1e-05")
    #expect(Value.float(.nan).repr == "nan")
    #expect(Value.string("a\"b\n").repr == "\"a\\\"b\\n\"")
    #expect(Value.list([.int(1), .string("x"), .nil, .bool(true)]).repr == "[1, \"x\", nil, true]")
    #expect(try Value.dict([(.string("a"), .int(1))]).repr == "{\"a\": 1}")
    #expect(Value.string("raw").str == "raw")
  }

  @Test func selfContainingListPrintsFinitely() {
    let l = ListBox([.int(1)])
    l.items.append(.list(l))
    #expect(Value.list(l).repr.count < 200)
  }
}
