import Foundation

extension BuiltinRegistry {
  /// str methods: split, join, upper, lower, strip, replace, startswith, endswith, contains, find, format.
  mutating func installStrings() {
    registerType("str", summary: "Text: \"epoch {e}: {loss:.3f}\"")
    func text(_ a: Arguments) throws -> String {
      guard case .string(let s) = a.receiver else { throw RuntimeFailure("not a str") }
      return s
    }
    registerMethod(
      on: "str",
      Builtin(
        "split",
        [Param("sep", .optional(.string), default: Value.nil, "separator; whitespace when nil")],
        summary: "Split into a list of str.", example: "\"a,b\".split(\",\")"
      ) { a in
        let s = try text(a)
        if a.has("sep") {
          let sep = try a.string("sep")
          if sep.isEmpty { throw RuntimeFailure("empty separator", argument: "sep") }
          return .list(s.components(separatedBy: sep).map { .string($0) })
        }
        return .list(s.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) })
      })
    registerMethod(
      on: "str",
      Builtin(
        "join", [Param("items", .list)], summary: "Join items with this str between them.",
        example: "\", \".join([\"a\", \"b\"])"
      ) { a in
        .string(try a.list("items").map(\.str).joined(separator: try text(a)))
      })
    registerMethod(
      on: "str",
      Builtin("upper", [], summary: "Upper-case copy.") { a in .string(try text(a).uppercased()) })
    registerMethod(
      on: "str",
      Builtin("lower", [], summary: "Lower-case copy.") { a in .string(try text(a).lowercased()) })
    registerMethod(
      on: "str",
      Builtin("strip", [], summary: "Copy without leading and trailing whitespace.") { a in
        .string(try text(a).trimmingCharacters(in: .whitespacesAndNewlines))
      })
    registerMethod(
      on: "str",
      Builtin(
        "replace", [Param("old", .string), Param("new", .string)],
        summary: "Replace every occurrence."
      ) { a in
        let old = try a.string("old")
        if old.isEmpty { throw RuntimeFailure("cannot replace an empty str", argument: "old") }
        return .string(try text(a).replacingOccurrences(of: old, with: try a.string("new")))
      })
    registerMethod(
      on: "str",
      Builtin("startswith", [Param("prefix", .string)], summary: "Whether it starts with prefix.") {
        a in
        .bool(try text(a).hasPrefix(try a.string("prefix")))
      })
    registerMethod(
      on: "str",
      Builtin("endswith", [Param("suffix", .string)], summary: "Whether it ends with suffix.") {
        a in
        .bool(try text(a).hasSuffix(try a.string("suffix")))
      })
    registerMethod(
      on: "str",
      Builtin("contains", [Param("part", .string)], summary: "Whether part occurs in it.") { a in
        let p = try a.string("part")
        let s = try text(a)
        return .bool(p.isEmpty || s.contains(p))
      })
    registerMethod(
      on: "str",
      Builtin("find", [Param("part", .string)], summary: "Index of the first occurrence, or -1.") {
        a in
        let s = try text(a)
        guard let r = s.range(of: try a.string("part")) else { return .int(-1) }
        return .int(s.distance(from: s.startIndex, to: r.lowerBound))
      })
    registerMethod(
      on: "str",
      Builtin(
        "format", [], variadic: Param("values"),
        summary: "Fill `{}` / `{:.3f}` placeholders in order.", example: "\"{:.2f} s\".format(t)"
      ) { a in
        let s = try text(a)
        var out = ""
        var next = 0
        var i = s.startIndex
        while i < s.endIndex {
          let c = s[i]
          if c == "{", s.index(after: i) < s.endIndex, s[s.index(after: i)] == "{" {
            out.append("{")
            i = s.index(i, offsetBy: 2)
            continue
          }
          if c == "}", s.index(after: i) < s.endIndex, s[s.index(after: i)] == "}" {
            out.append("}")
            i = s.index(i, offsetBy: 2)
            continue
          }
          if c == "{", let close = s[i...].firstIndex(of: "}") {
            let inner = s[s.index(after: i)..<close]
            guard next < a.rest.count else {
              throw RuntimeFailure("format() has more placeholders than values")
            }
            let v = a.rest[next]
            next += 1
            if let colon = inner.firstIndex(of: ":") {
              out += try formatValue(v, spec: String(inner[inner.index(after: colon)...]))
            } else {
              out += v.str
            }
            i = s.index(after: close)
            continue
          }
          out.append(c)
          i = s.index(after: i)
        }
        return .string(out)
      })
  }
}
