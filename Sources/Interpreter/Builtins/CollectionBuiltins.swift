extension BuiltinRegistry {
  /// list/dict constructors, sorted, enumerate, zip, and the list and dict methods.
  mutating func installCollections() {
    let here = SourceRange(.start, .start)
    registerType("list", summary: "A mutable sequence: [1, 2, 3]")
    registerType("dict", summary: "An insertion-ordered map: {\"spleen\": 3}")
    registerType("range", summary: "Integers a..b (inclusive) or a..<b (exclusive)")

    register(
      Builtin(
        "list", [Param("items", .any, default: .list([]))],
        summary: "A new list from a list, range, dict or str."
      ) { a in
        .list(try a.interpreter.materialize(a.value("items")))
      })
    register(
      Builtin(
        "dict", [Param("pairs", .list, default: .list([]))],
        summary: "A new dict from [key, value] pairs."
      ) { a in
        let d = DictBox()
        for p in try a.list("pairs") {
          guard case .list(let kv) = p, kv.items.count == 2 else {
            throw RuntimeFailure(
              "dict() needs [key, value] pairs, got \(p.repr)", argument: "pairs")
          }
          try d.set(kv.items[0], kv.items[1])
        }
        return .dict(d)
      })
    register(
      Builtin(
        "sorted", [Param("items", .any), Param("reverse", .bool, default: .bool(false))],
        summary: "A sorted copy of a list.", example: "sorted([3, 1, 2])  # [1, 2, 3]"
      ) { a in
        let items = try a.interpreter.materialize(a.value("items"))
        var out = try items.sorted { try a.interpreter.compare($0, $1, range: here) < 0 }
        if try a.bool("reverse") { out.reverse() }
        return .list(out)
      })
    register(
      Builtin(
        "enumerate", [Param("items", .any), Param("start", .int, default: .int(0))],
        summary: "[index, item] pairs.", example: "for i, x in enumerate(xs) { print(i, x) }"
      ) { a in
        let start = try a.int("start")
        let items = try a.interpreter.materialize(a.value("items"))
        return .list(items.enumerated().map { .list([.int(start + $0.offset), $0.element]) })
      })
    register(
      Builtin(
        "zip", [Param("a", .any), Param("b", .any)],
        summary: "[a_i, b_i] pairs, as long as the shorter."
      ) { a in
        let xs = try a.interpreter.materialize(a.value("a"))
        let ys = try a.interpreter.materialize(a.value("b"))
        return .list(zip(xs, ys).map { .list([$0, $1]) })
      })

    func list(_ a: Arguments) throws -> ListBox {
      guard case .list(let l) = a.receiver else { throw RuntimeFailure("not a list") }
      return l
    }
    func dict(_ a: Arguments) throws -> DictBox {
      guard case .dict(let d) = a.receiver else { throw RuntimeFailure("not a dict") }
      return d
    }
    func index(_ i: Int, _ count: Int, allowEnd: Bool = false) throws -> Int {
      let p = i < 0 ? count + i : i
      guard p >= 0 && (p < count || (allowEnd && p == count)) else {
        throw RuntimeFailure("index \(i) out of range for length \(count)")
      }
      return p
    }

    registerMethod(
      on: "list",
      Builtin("append", [Param("item")], summary: "Add an item at the end.") { a in
        try list(a).items.append(a.value("item"))
        return .nil
      })
    registerMethod(
      on: "list",
      Builtin("extend", [Param("items", .list)], summary: "Append every item of a list.") { a in
        try list(a).items.append(contentsOf: try a.list("items"))
        return .nil
      })
    registerMethod(
      on: "list",
      Builtin("insert", [Param("index", .int), Param("item")], summary: "Insert before index.") {
        a in
        let l = try list(a)
        let i = try a.int("index")
        l.items.insert(
          a.value("item"), at: min(max(i < 0 ? l.items.count + i : i, 0), l.items.count))
        return .nil
      })
    registerMethod(
      on: "list",
      Builtin(
        "pop", [Param("index", .int, default: .int(-1))],
        summary: "Remove and return an item (the last by default)."
      ) { a in
        let l = try list(a)
        if l.items.isEmpty { throw RuntimeFailure("pop from an empty list") }
        return l.items.remove(at: try index(try a.int("index"), l.items.count))
      })
    registerMethod(
      on: "list",
      Builtin("remove", [Param("item")], summary: "Remove the first equal item.") { a in
        let l = try list(a)
        guard let i = l.items.firstIndex(where: { valuesEqual($0, a.value("item")) }) else {
          throw RuntimeFailure("\(a.value("item").repr) is not in the list")
        }
        l.items.remove(at: i)
        return .nil
      })
    registerMethod(
      on: "list",
      Builtin("index", [Param("item")], summary: "Position of the first equal item.") { a in
        guard let i = try list(a).items.firstIndex(where: { valuesEqual($0, a.value("item")) })
        else {
          throw RuntimeFailure("\(a.value("item").repr) is not in the list")
        }
        return .int(i)
      })
    registerMethod(
      on: "list",
      Builtin("contains", [Param("item")], summary: "Whether an equal item is present.") { a in
        .bool(try list(a).items.contains { valuesEqual($0, a.value("item")) })
      })
    registerMethod(
      on: "list",
      Builtin("sort", [Param("reverse", .bool, default: .bool(false))], summary: "Sort in place.") {
        a in
        let l = try list(a)
        l.items = try l.items.sorted { try a.interpreter.compare($0, $1, range: here) < 0 }
        if try a.bool("reverse") { l.items.reverse() }
        return .nil
      })
    registerMethod(
      on: "list",
      Builtin("reverse", [], summary: "Reverse in place.") { a in
        try list(a).items.reverse()
        return .nil
      })
    registerMethod(
      on: "list", Builtin("copy", [], summary: "A shallow copy.") { a in .list(try list(a).items) })
    registerMethod(
      on: "list",
      Builtin("clear", [], summary: "Remove every item.") { a in
        try list(a).items.removeAll()
        return .nil
      })

    registerMethod(
      on: "dict",
      Builtin("keys", [], summary: "The keys, in insertion order.") { a in
        .list(try dict(a).orderedKeys)
      })
    registerMethod(
      on: "dict",
      Builtin("values", [], summary: "The values, in insertion order.") { a in
        .list(try dict(a).orderedValues)
      })
    registerMethod(
      on: "dict",
      Builtin(
        "items", [], summary: "[key, value] pairs.",
        example: "for k, v in d.items() { print(k, v) }"
      ) { a in
        .list(try dict(a).entries.map { .list([$0.key, $0.value]) })
      })
    registerMethod(
      on: "dict",
      Builtin(
        "get", [Param("key"), Param("default", default: Value.nil)],
        summary: "The value for key, or default."
      ) { a in
        try dict(a).get(a.value("key")) ?? a.value("default")
      })
    registerMethod(
      on: "dict",
      Builtin(
        "pop", [Param("key"), Param("default", default: Value.nil)],
        summary: "Remove a key and return its value (or default)."
      ) { a in
        try dict(a).remove(a.value("key")) ?? a.value("default")
      })
    registerMethod(
      on: "dict",
      Builtin("contains", [Param("key")], summary: "Whether the key is present.") { a in
        .bool(try dict(a).get(a.value("key")) != nil)
      })
    registerMethod(
      on: "dict",
      Builtin("update", [Param("other", .dict)], summary: "Copy every entry of another dict.") {
        a in
        let d = try dict(a)
        guard case .dict(let o) = a.value("other") else { return .nil }
        for (k, v) in o.entries { try d.set(k, v) }
        return .nil
      })
    registerMethod(
      on: "dict",
      Builtin("copy", [], summary: "A shallow copy.") { a in
        let d = DictBox()
        for (k, v) in try dict(a).entries { try d.set(k, v) }
        return .dict(d)
      })
    registerProperty(
      on: "range",
      Property("start", "first value") { v in
        if case .range(let r) = v { return .int(r.start) }
        return .nil
      })
    registerProperty(
      on: "range",
      Property("stop", "end (exclusive)") { v in
        if case .range(let r) = v { return .int(r.end) }
        return .nil
      })
  }
}
