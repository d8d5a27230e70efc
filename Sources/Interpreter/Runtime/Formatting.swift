import Foundation

extension Value {
  /// The text `print` shows: strings raw, everything else as `repr`.
  public var str: String {
    if case .string(let s) = self { return s }
    return repr
  }

  /// The text the REPL echoes: strings quoted, containers with their items' `repr`.
  public var repr: String { render(self, depth: 0) }
}

/// The `repr` of a value (used in signatures and messages).
func repr(_ v: Value) -> String { v.repr }

private func render(_ v: Value, depth: Int) -> String {
  if depth > 12 { return "…" }
  switch v {
  case .nil: return "nil"
  case .bool(let b): return b ? "true" : "false"
  case .int(let i): return String(i)
  case .float(let f): return formatFloat(f)
  case .string(let s): return quote(s)
  case .list(let l):
    return "[" + l.items.map { render($0, depth: depth + 1) }.joined(separator: ", ") + "]"
  case .dict(let d):
    let items = d.entries.map {
      render($0.key, depth: depth + 1) + ": " + render($0.value, depth: depth + 1)
    }
    return "{" + items.joined(separator: ", ") + "}"
  case .range(let r):
    if r.step == 1 {
      return r.inclusiveLiteral ? "\(r.start)..\(r.end - 1)" : "\(r.start)..<\(r.end)"
    }
    return "range(\(r.start), \(r.end), \(r.step))"
  case .function(let f): return "<fn \(f.signature)>"
  case .builtin(let b):
    if let r = b.receiver { return "<method \(r.typeName).\(b.builtin.signature)>" }
    return "<builtin \(b.builtin.signature)>"
  case .object(let o): return o.summary
  }
}

/// Python's float repr: shortest round-trip digits, `1.0`, `1e-05`, `inf`, `nan`.
public func formatFloat(_ f: Double) -> String {
  if f.isNaN { return "nan" }
  if f.isInfinite { return f < 0 ? "-inf" : "inf" }
  return f.description
}

private func quote(_ s: String) -> String {
  var out = "\""
  for c in s.unicodeScalars {
    switch c {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    case "\r": out += "\\r"
    case "{": out += "{{"
    case "}": out += "}}"
    default: out.unicodeScalars.append(c)
    }
  }
  return out + "\""
}

/// Formats a value with a Python-style format spec: `[[fill]align][sign][0][width][,][.precision][type]`.
///
/// Types: `d` int, `f` fixed, `e` exponent, `g` general, `%` percent, `s` string, `x`/`o`/`b` int bases.
public func formatValue(_ v: Value, spec: String) throws -> String {
  var chars = Array(spec)
  var fill: Character = " "
  var align: Character? = nil
  if chars.count >= 2, "<>^=".contains(chars[1]) {
    fill = chars[0]
    align = chars[1]
    chars.removeFirst(2)
  } else if let c = chars.first, "<>^=".contains(c) {
    align = c
    chars.removeFirst()
  }
  var sign: Character = "-"
  if let c = chars.first, "+- ".contains(c) {
    sign = c
    chars.removeFirst()
  }
  if chars.first == "#" { chars.removeFirst() }
  if chars.first == "0" {
    if align == nil {
      fill = "0"
      align = "="
    }
    chars.removeFirst()
  }
  var width = 0
  while let c = chars.first, let d = c.wholeNumberValue {
    width = width * 10 + d
    chars.removeFirst()
    if width > 1000 { throw RuntimeFailure("format width in '\(spec)' is too large") }
  }
  var grouping: Character? = nil
  if let c = chars.first, c == "," || c == "_" {
    grouping = c
    chars.removeFirst()
  }
  var precision: Int? = nil
  if chars.first == "." {
    chars.removeFirst()
    var p = 0
    var any = false
    while let c = chars.first, let d = c.wholeNumberValue {
      p = p * 10 + d
      any = true
      chars.removeFirst()
      if p > 100 { throw RuntimeFailure("format precision in '\(spec)' is too large") }
    }
    if !any {
      throw RuntimeFailure("invalid format spec '\(spec)'", help: "e.g. '.3f', '>8', '.2%'")
    }
    precision = p
  }
  var type: Character? = nil
  if let c = chars.first {
    type = c
    chars.removeFirst()
  }
  if !chars.isEmpty || (type != nil && !"bdeEfFgGosxX%".contains(type!)) {
    throw RuntimeFailure(
      "invalid format spec '\(spec)'", help: "e.g. '.3f', '.4e', 'd', '>8', '.1%', ',d'")
  }

  var body: String
  var negative = false
  var numeric = true
  func needNumber() throws -> Double {
    guard let d = v.number else {
      throw RuntimeFailure("format '\(spec)' needs a number, got \(v.typeName)")
    }
    return d
  }
  switch type {
  case "d", "x", "X", "o", "b":
    let i: Int
    switch v {
    case .int(let n): i = n
    case .bool(let b): i = b ? 1 : 0
    case .float(let f) where f.rounded() == f && abs(f) < 9e18: i = Int(f)
    default: throw RuntimeFailure("format '\(spec)' needs an int, got \(v.typeName)")
    }
    negative = i < 0
    let radix = type == "d" ? 10 : type == "o" ? 8 : type == "b" ? 2 : 16
    body = String(i.magnitude, radix: radix, uppercase: type == "X")
  case "f", "F", "e", "E", "g", "G", "%":
    var d = try needNumber()
    if type == "%" { d *= 100 }
    negative = d < 0 || (d == 0 && d.sign == .minus)
    let p = precision ?? 6
    let letter = type == "%" ? "f" : String(type!)
    if d.isNaN {
      body = "nan"
    } else if d.isInfinite {
      body = "inf"
    } else {
      body = String(format: "%.\(p)\(letter)", abs(d))
    }
    if type == "%" { body += "%" }
  case "s":
    numeric = false
    body = v.str
    if let p = precision { body = String(body.prefix(p)) }
  default:
    if let p = precision, let d = v.number, case .float = v {
      negative = d < 0
      body = String(format: "%.\(p)g", abs(d))
    } else if let d = v.number, !(v.isBool) {
      negative = d < 0
      let s = v.str
      body = negative ? String(s.dropFirst()) : s
    } else {
      numeric = false
      body = v.str
      if let p = precision { body = String(body.prefix(p)) }
    }
  }
  if numeric, let g = grouping { body = group(body, with: g) }
  var prefix = ""
  if numeric {
    if negative {
      prefix = "-"
    } else if sign == "+" {
      prefix = "+"
    } else if sign == " " {
      prefix = " "
    }
  }
  let length = prefix.count + body.count
  guard width > length else { return prefix + body }
  let pad = width - length
  switch align ?? (numeric ? ">" : "<") {
  case "<": return prefix + body + String(repeating: fill, count: pad)
  case "^":
    let left = pad / 2
    return String(repeating: fill, count: left) + prefix + body
      + String(repeating: fill, count: pad - left)
  case "=": return prefix + String(repeating: fill, count: pad) + body
  default: return String(repeating: fill, count: pad) + prefix + body
  }
}

private func group(_ s: String, with sep: Character) -> String {
  let digits = s.prefix { $0.isNumber }
  let rest = s.dropFirst(digits.count)
  var out: [Character] = []
  for (i, c) in digits.reversed().enumerated() {
    if i > 0 && i % 3 == 0 { out.append(sep) }
    out.append(c)
  }
  return String(out.reversed()) + rest
}

extension Value {
  fileprivate var isBool: Bool {
    if case .bool = self { return true }
    return false
  }
}
