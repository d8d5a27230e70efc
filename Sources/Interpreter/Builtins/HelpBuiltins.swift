extension BuiltinRegistry {
  /// help and vars, generated from the registry and the global scope.
  mutating func installHelp() {
    register(
      Builtin(
        "help",
        [Param("topic", .any, default: Value.nil, "a function, method, object, or a name as str")],
        summary: "Describe a function, method, type or value; alone, list everything.",
        example: "help(print), help(\"Tensor\"), help(t.mean)", callsWhenBare: true
      ) { a in
        a.interpreter.write(a.interpreter.helpText(for: a.value("topic")) + "\n")
        return .nil
      })
    register(
      Builtin(
        "vars", [], summary: "Table of the variables you defined: name, type, summary.",
        callsWhenBare: true
      ) { a in
        a.interpreter.write(a.interpreter.varsTable() + "\n")
        return .nil
      })
  }
}

extension Interpreter {
  /// The text `help(topic)` prints.
  public func helpText(for topic: Value) -> String {
    switch topic {
    case .nil: return overview()
    case .builtin(let b): return describe(b.builtin, owner: b.receiver?.typeName)
    case .function(let f):
      return "\(f.signature)\n  defined in \(f.file.name):\(f.decl.range.start.line)"
    case .string(let name):
      if let b = registry.functions[name] { return describe(b, owner: nil) }
      if let t = registry.types[name] { return describe(t) }
      if let dot = name.firstIndex(of: "."),
        let t = registry.types[String(name[..<dot])],
        let m = t.methods[String(name[name.index(after: dot)...])]
      {
        return describe(m, owner: t.name)
      }
      let candidates = Array(registry.functions.keys) + Array(registry.types.keys)
      return "no help for '\(name)'"
        + (Suggestions.hint(for: name, in: candidates).map { "; \($0)" } ?? "")
    default:
      let header = "\(topic.typeName): \(String(topic.repr.prefix(120)))"
      guard let t = registry.types[topic.typeName] else { return header }
      return header + "\n" + describe(t)
    }
  }

  private func describe(_ b: Builtin, owner: String?) -> String {
    var lines = ["\(owner.map { "\($0)." } ?? "")\(b.signature)", "  \(b.summary)"]
    let params = b.parameters + (b.variadic.map { [$0] } ?? [])
    if !params.isEmpty {
      lines.append("  parameters:")
      let width = params.map(\.name.count).max() ?? 0
      for p in params {
        var line = "    \(p.name.padding(width))  \(p.type)"
        if let d = p.defaultValue {
          line += " = \(d.repr)"
        } else if p.name == b.variadic?.name {
          line += " ..."
        }
        if !p.summary.isEmpty { line += "  — \(p.summary)" }
        lines.append(line)
      }
    }
    if let e = b.example { lines.append("  example: \(e)") }
    return lines.joined(separator: "\n")
  }

  private func describe(_ t: TypeInfo) -> String {
    var lines = ["\(t.name)\(t.summary.isEmpty ? "" : " — \(t.summary)")"]
    let props = t.properties.values.sorted { $0.name < $1.name }
    if !props.isEmpty {
      lines.append("  properties:")
      let width = props.map(\.name.count).max() ?? 0
      for p in props { lines.append("    \(p.name.padding(width))  \(p.summary)") }
    }
    let methods = t.methods.values.filter { !$0.name.hasPrefix("__") }.sorted { $0.name < $1.name }
    if !methods.isEmpty {
      lines.append("  methods:")
      let sigs = methods.map(\.signature)
      let width = sigs.map(\.count).max() ?? 0
      for (m, s) in zip(methods, sigs) { lines.append("    \(s.padding(width))  \(m.summary)") }
    }
    return lines.joined(separator: "\n")
  }

  private func overview() -> String {
    var lines = ["functions:"]
    let fns = registry.functions.values.sorted { $0.name < $1.name }
    let width = min(fns.map(\.name.count).max() ?? 0, 16)
    for b in fns { lines.append("  \(b.name.padding(width))  \(b.summary)") }
    lines.append("types: " + registry.types.keys.sorted().joined(separator: ", "))
    lines.append(
      "statements: if/else, for x in xs, while, break, continue, fn f(a, b=1) { }, return, run \"x.vs\", time <stmt>"
    )
    lines.append("help(name) shows a signature and an example; vars lists your variables.")
    return lines.joined(separator: "\n")
  }

  /// The `vars` table: name, type, summary of each global.
  public func varsTable() -> String {
    let names = globals.names.filter { $0 != "_" && $0 != "err" }
    if names.isEmpty { return "no variables defined" }
    let rows = names.map { n -> (String, String, String) in
      let v = globals.values[n] ?? .nil
      var summary = v.repr
      if summary.count > 60 { summary = String(summary.prefix(57)) + "..." }
      return (n, v.typeName, summary)
    }
    let w0 = max(8, rows.map(\.0.count).max() ?? 0)
    let w1 = max(4, rows.map(\.1.count).max() ?? 0)
    var lines = ["\("Variable".padding(w0))  \("Type".padding(w1))  Data/Info"]
    lines.append(String(repeating: "-", count: w0 + w1 + 15))
    for (n, t, s) in rows { lines.append("\(n.padding(w0))  \(t.padding(w1))  \(s)") }
    return lines.joined(separator: "\n")
  }
}

extension String {
  /// Left-justified to `width` columns.
  func padding(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
