import Foundation
import Interpreter

/// Tab completion candidates, computed from the text before the cursor (no terminal I/O).
///
/// Completes file paths inside strings, members after `.`, keyword names inside a call, and otherwise
/// variables, builtins and keywords.
struct Completer {
  /// The session whose names and objects are completed.
  let interpreter: Interpreter

  /// The result: replace the last `replaceLength` characters before the cursor with one of `candidates`.
  struct Completion: Equatable {
    var replaceLength: Int
    var candidates: [String]

    /// The longest prefix every candidate shares.
    var commonPrefix: String {
      guard var p = candidates.first else { return "" }
      for c in candidates.dropFirst() {
        while !c.hasPrefix(p) { p.removeLast() }
      }
      return p
    }
  }

  /// Candidates for the text before the cursor.
  func complete(_ text: String) -> Completion {
    let chars = Array(text)
    if let stringStart = openStringStart(chars) {
      return completePath(String(chars[(stringStart + 1)...]))
    }
    var i = chars.count
    while i > 0, isIdentifierChar(chars[i - 1]) { i -= 1 }
    let word = String(chars[i...])
    if i > 0 && chars[i - 1] == "." {
      let receiverText = trailingChain(chars, end: i - 1)
      guard !receiverText.isEmpty, let receiver = lookup(receiverText) else {
        return Completion(replaceLength: word.count, candidates: [])
      }
      let members = interpreter.members(of: receiver).filter { $0.hasPrefix(word) }
      return Completion(replaceLength: word.count, candidates: members)
    }
    var candidates: [String] = []
    if let calleeText = openCallCallee(chars, end: i), let callee = lookup(calleeText) {
      candidates += interpreter.parameterNames(of: callee).filter { $0.hasPrefix(word) }.map {
        $0 + "="
      }
    }
    let names =
      interpreter.globals.allNames + Array(interpreter.registry.functions.keys)
      + TokenKind.keywordSpellings
    candidates += Set(names).filter { $0.hasPrefix(word) && !$0.hasPrefix("__") }.sorted()
    return Completion(replaceLength: word.count, candidates: candidates)
  }

  /// File names matching a partial path; directories end in `/`.
  private func completePath(_ partial: String) -> Completion {
    let slash = partial.lastIndex(of: "/")
    let dirPart = slash.map { String(partial[...$0]) } ?? ""
    let namePart = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
    let dir = dirPart.isEmpty ? "." : NSString(string: dirPart).expandingTildeInPath
    let resolved = dir.hasPrefix("/") ? dir : interpreter.resolvePath(dir)
    let fm = FileManager.default
    let names = (try? fm.contentsOfDirectory(atPath: resolved)) ?? []
    let matches = names.filter {
      $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix("."))
    }
    .sorted().map { name -> String in
      var isDir: ObjCBool = false
      fm.fileExists(
        atPath: (resolved as NSString).appendingPathComponent(name), isDirectory: &isDir)
      return isDir.boolValue ? name + "/" : name
    }
    return Completion(replaceLength: namePart.count, candidates: matches)
  }

  /// Index of the quote opening an unterminated string, if the cursor is inside one.
  private func openStringStart(_ chars: [Character]) -> Int? {
    var start: Int? = nil
    var quote: Character = "\""
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if let s = start {
        _ = s
        if c == "\\" {
          i += 2
          continue
        }
        if c == quote { start = nil }
      } else if c == "\"" || c == "'" {
        start = i
        quote = c
      } else if c == "#" {
        return nil
      }
      i += 1
    }
    return start
  }

  /// The identifier chain (`a.b.c`) ending at `end` (exclusive).
  private func trailingChain(_ chars: [Character], end: Int) -> String {
    var i = end
    while i > 0, isIdentifierChar(chars[i - 1]) || chars[i - 1] == "." { i -= 1 }
    return String(chars[i..<end])
  }

  /// The callee text of the innermost unclosed `(` before `end`.
  private func openCallCallee(_ chars: [Character], end: Int) -> String? {
    var depth = 0
    var i = end - 1
    var inString = false
    while i >= 0 {
      let c = chars[i]
      if c == "\"" { inString.toggle() }
      if !inString {
        if c == ")" || c == "]" { depth += 1 }
        if c == "(" || c == "[" {
          if depth == 0 {
            if c == "[" { return nil }
            let callee = trailingChain(chars, end: i)
            return callee.isEmpty ? nil : callee
          }
          depth -= 1
        }
      }
      i -= 1
    }
    return nil
  }

  /// Resolves `a.b.c` through variables and properties (never calling methods).
  private func lookup(_ chain: String) -> Value? {
    let parts = chain.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard let first = parts.first, !first.isEmpty else { return nil }
    var value: Value
    if let v = interpreter.globals.get(first) {
      value = v
    } else if let b = interpreter.registry.functions[first] {
      value = .builtin(BoundBuiltin(builtin: b, receiver: nil))
    } else {
      return nil
    }
    for name in parts.dropFirst() {
      if let p = interpreter.registry.property(name, of: value) {
        guard let v = try? p.get(value) else { return nil }
        value = v
      } else if let m = interpreter.registry.method(name, of: value) {
        value = .builtin(BoundBuiltin(builtin: m, receiver: value))
      } else {
        return nil
      }
    }
    return value
  }

  private func isIdentifierChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
}
