import Foundation
import Plot
import Testing

@testable import Interpreter

/// The issue-6 script (examples/finetune_spleen.vs) runs end to end with a synthetic dataset and the
/// tiny model substituted and small sizes, as `vista run --set` would.
@Suite struct Issue6ScriptTests {
  static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("examples")

  @Test func finetuneSpleenScriptRunsOnSyntheticData() throws {
    var text = try String(contentsOf: Self.examples.appendingPathComponent("finetune_spleen.vs"), encoding: .utf8)
    let substitutions = [
      (#"dataset("Task09_Spleen", split="tutorial")"#, #"synthetic_dataset("data", cases=4, size=[32, 32, 16], seed=3)"#),
      (#"vista3d(checkpoint="model_vista3d.pt")"#, #"vista3d("tiny", seed=1)"#),
      ("patch=[96, 96, 96], samples=2", "patch=[16, 16, 16], samples=1"),
      ("for epoch in 1..5", "for epoch in 1..2"),
    ]
    for (from, to) in substitutions {
      #expect(text.contains(from), "the script no longer contains \(from)")
      text = text.replacingOccurrences(of: from, with: to)
    }
    var r = try ScriptRunner()
    defer { r.remove() }
    let out = try r.run(text)
    let dice = out.split(separator: "\n").filter { $0.hasPrefix("val dice ") }
    #expect(dice.count == 2)
    for name in ["curves.png", "overlay.png"] {
      let png = try PNG.read(path: r.path(name))
      #expect(png.width > 100 && png.height > 100, "\(name)")
    }
    #expect(FileManager.default.fileExists(atPath: r.path("finetuned.pt")))
    // The saved weights load back into the same architecture.
    try r.run(#"m = vista3d("tiny", checkpoint="finetuned.pt")"#)
  }
}

/// examples/quickstart.vs with small `--set` overrides.
@Suite struct QuickstartExampleTests {
  @Test func quickstartRunsWithSmallSizes() throws {
    let url = Issue6ScriptTests.examples.appendingPathComponent("quickstart.vs")
    let text = try String(contentsOf: url, encoding: .utf8)
    var r = try ScriptRunner()
    defer { r.remove() }
    r.interpreter.overrides = [
      "cases": .int(4), "size": .list([.int(32), .int(32), .int(16)]),
      "patch": .list([.int(16), .int(16), .int(16)]), "config": .string("tiny"), "epochs": .int(1),
    ]
    let out = try r.run(text)
    let last = try #require(out.split(separator: "\n").last)
    #expect(last.hasPrefix("final val dice "))
    #expect(try PNG.read(path: r.path("curves.png")).width > 100)
    #expect(try PNG.read(path: r.path("overlay.png")).width > 100)
    #expect(FileManager.default.fileExists(atPath: r.path("runs/quickstart-tiny/metrics.csv")))
  }
}
