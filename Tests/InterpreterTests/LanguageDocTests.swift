import Foundation
import Testing

@testable import Interpreter

/// Runs every ```vs block of docs/language.md, so the page only shows code that works and output it really prints.
///
/// - A block runs in a fresh interpreter inside an empty temporary folder (its files land there).
/// - `#=> text` marks a line the block prints; when a block has any, its output must be exactly those lines
///   (a marker ending in `...` matches any line starting with the text before it).
/// - A ```vs error block must fail (to parse or to run), and the ```text block right after it must be the
///   rendered diagnostics (the script is named `script.vs`).
/// - A ```vs no-run block is only parsed.
@Suite struct LanguageDocTests {
  static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("docs/language.md")

  /// One fenced block: its info string, first line number and text.
  struct Block: CustomTestStringConvertible, Sendable {
    var info: String
    var line: Int
    var text: String
    /// The fenced block that follows this one, if any.
    var next: (info: String, text: String)?
    var testDescription: String { "\(info) block at docs/language.md:\(line)" }
  }

  static func blocks(_ markdown: String) -> [Block] {
    let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var fenced: [Block] = []
    var i = 0
    while i < lines.count {
      let t = lines[i].trimmingCharacters(in: .whitespaces)
      guard t.hasPrefix("```") else {
        i += 1
        continue
      }
      let info = String(t.dropFirst(3)).trimmingCharacters(in: .whitespaces)
      var body: [String] = []
      var j = i + 1
      while j < lines.count, !lines[j].trimmingCharacters(in: .whitespaces).hasPrefix("```") {
        body.append(lines[j])
        j += 1
      }
      fenced.append(Block(info: info, line: i + 2, text: body.joined(separator: "\n")))
      i = j + 1
    }
    for k in fenced.indices.dropLast() {
      fenced[k].next = (fenced[k + 1].info, fenced[k + 1].text)
    }
    return fenced.filter { $0.info == "vs" || $0.info.hasPrefix("vs ") }
  }

  static var cases: [Block] {
    blocks((try? String(contentsOf: page, encoding: .utf8)) ?? "")
  }

  /// The lines a block says it prints (`#=> text`).
  static func expectedOutput(_ text: String) -> [String] {
    text.split(separator: "\n").compactMap { line in
      guard let r = line.range(of: "#=> ") else { return nil }
      return String(line[r.upperBound...]).trimmingCharacters(in: .whitespaces)
    }
  }

  static func matches(_ output: [String], _ expected: [String]) -> Bool {
    guard output.count == expected.count else { return false }
    return zip(output, expected).allSatisfy { got, want in
      want.hasSuffix("...") ? got.hasPrefix(String(want.dropLast(3))) : got == want
    }
  }

  @Test func pageHasCheckedBlocks() {
    let blocks = Self.cases
    #expect(blocks.count >= 10, "docs/language.md should have its examples in ```vs blocks")
    #expect(blocks.contains { $0.info == "vs error" })
  }

  @Test(arguments: cases)
  func blockRunsAsShown(_ block: Block) throws {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("vista-langdoc-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = SourceFile(name: "script.vs", text: block.text)
    let program: Program
    do {
      program = try Parser.parse(file)
    } catch let e as SyntaxErrors {
      if block.info == "vs error", let shown = block.next {
        #expect(shown.info == "text")
        #expect(Diagnostic.render(e.errors) == shown.text)
      } else {
        Issue.record("does not parse:\n\(Diagnostic.render(e.errors))")
      }
      return
    }
    if block.info == "vs no-run" { return }
    let interpreter = Interpreter()
    interpreter.workingDirectory = dir.path
    var output = ""
    interpreter.output = { output += $0 }
    var failure: ScriptError? = nil
    do {
      try interpreter.run(program)
    } catch let e as ScriptError {
      failure = e
    }
    let printed = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      .dropLast(output.hasSuffix("\n") ? 1 : 0)
    if block.info == "vs error" {
      let e = try #require(failure, "the block should fail")
      let shown = try #require(block.next, "a ```text block with the diagnostic should follow")
      #expect(shown.info == "text")
      #expect(Diagnostic.render(e) == shown.text)
      return
    }
    if let failure { Issue.record("fails:\n\(Diagnostic.render(failure))") }
    let expected = Self.expectedOutput(block.text)
    if !expected.isEmpty {
      #expect(
        Self.matches(Array(printed), expected),
        "prints:\n\(printed.joined(separator: "\n"))\nbut the page shows:\n\(expected.joined(separator: "\n"))"
      )
    }
  }

  @Test func blockExtractionReadsInfoStringsAndNeighbours() {
    let md = "x\n```vs\na = 1  #=> 1\n```\n```vs error\nb\n```\n```text\nmsg\n```\n```sh\nls\n```\n"
    let blocks = Self.blocks(md)
    #expect(blocks.map(\.info) == ["vs", "vs error"])
    #expect(blocks[0].line == 3)
    #expect(blocks[1].next?.info == "text" && blocks[1].next?.text == "msg")
    #expect(Self.expectedOutput(blocks[0].text) == ["1"])
    #expect(Self.matches(["time: wall 1 ms"], ["time: wall ..."]))
    #expect(!Self.matches(["a", "b"], ["a"]))
  }
}
