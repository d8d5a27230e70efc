import Foundation
import Plot
import Testing

@testable import Interpreter

/// Finetuning through scripts on a tiny synthetic dataset (4 cases of 32×32×16 voxels) and the tiny model.
@Suite(.serialized) struct TrainBuiltinsTests {
  static let setup = """
    data = synthetic_dataset("data", cases=4, size=[32, 32, 16], seed=3)
    data.map_labels({1: 3})
    model = vista3d("tiny", seed=1)
    """

  @Test func stepEpochValidateHistoryAndResume() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    let out = try r.run(
      Self.setup + """

        train = finetune(model, data, patch=[16, 16, 16], samples=1, lr=1e-4, label_set=[0, 3], seed=0, run="runs/t", limit_steps=2, verbose=false)
        print(train)
        loss = train.step()
        print(type(loss))
        rec = train.epoch()
        print(rec["epoch"], type(rec["val_dice"]), type(rec["val_loss"]), rec["val_loss"] > 0)
        v = train.validate(overlap=0.25)
        print(type(v.mean), list(v.per_class.keys()), type(v.loss))
        print(len(train.history))
        print(train.run != nil)
        again = resume("runs/t")
        print(again.epochs_done)
        plot_curves("runs/t", "curves.png")
        """)
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("Trainer tiny · 3 train / 1 val") })
    #expect(lines.contains("float"))
    #expect(lines.contains("1 float float true"))
    #expect(lines.contains("float [3] float"))
    #expect(lines.contains("1"))
    #expect(try PNG.read(path: r.path("curves.png")).width > 100)
    // The trainer's own curves carry the validation loss too (plot_curves(train, …)).
    guard case .object(let t as TrainerObject)? = r.interpreter.globals.get("train") else {
      Issue.record("train is not a Trainer")
      return
    }
    let curves = try trainingCurves(of: t.trainer, title: nil)
    #expect(curves.history.valLoss.contains { $0.isFinite && $0 > 0 })
    #expect(curves.history.valLoss.count == curves.history.trainLoss.count)
  }

  @Test func interruptStopsAnEpochBetweenSteps() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    try r.run(
      Self.setup + """

        train = finetune(model, data, patch=[16, 16, 16], samples=2, val_interval=0, run="runs/i")
        """)
    // Ctrl-C arrives while the epoch runs: right after the first step's progress line.
    let flag = r.interpreter.interrupt
    var out = ""
    r.interpreter.output = { text in
      out += text
      if text.contains("step 1/") { flag.request() }
    }
    var message = ""
    do {
      let program = try Parser.parse(SourceFile(name: r.path("i.vs"), text: "train.epoch()"))
      try r.interpreter.run(program)
    } catch let e as ScriptError {
      message = e.message
    }
    #expect(message == "interrupted")
    #expect(out.contains("step 1/6"))
    #expect(!out.contains("step 2/6"))
    #expect(try r.run("print(train.epochs_done)") == "0\n")
    // The stop saved the run; it resumes mid-epoch.
    #expect(try r.run("t2 = resume(\"runs/i\")\nprint(t2.epochs_done)").hasSuffix("0\n"))
  }

  @Test func segmentFileWritesALabelMap() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    let out = try r.run(
      Self.setup + """

        segment_file("data/imagesTr/synth_000.nii.gz", "seg.nii.gz", model=model, classes=[3], roi=[32, 32, 32])
        s = load_nifti("seg.nii.gz")
        print(s.shape, s.dtype)
        segment_file("data/imagesTr/synth_000.nii.gz", "pts.nii.gz", model=model, points=[[4, 4, 4]], point_labels=[1], roi=[16, 16, 16])
        fn not_computed(path) {
          n = 0
          for v in load_nifti(path).array.tolist() { if v == 255 { n = n + 1 } }
          return n
        }
        n = not_computed("pts.nii.gz")
        print(n > 0, n < 32 * 32 * 16)
        segment_file("data/imagesTr/synth_000.nii.gz", "all.nii.gz", model=model, points=[[4, 4, 4]], point_labels=[1], roi=[16, 16, 16], point_window=false)
        print(not_computed("all.nii.gz"))
        """)
    #expect(out.hasSuffix("[1, 32, 32, 16] uint8\ntrue true\n0\n"))
  }

  @Test func errors() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    try r.run(Self.setup)
    let mode = try #require(try r.error(#"finetune(model, data, mode="bothh")"#))
    #expect(mode.help == "did you mean 'both'?")
    let loss = try #require(try r.error(#"finetune(model, data, loss="dicecee")"#))
    #expect(loss.help == "did you mean 'dicece'?")
    let kw = try #require(try r.error(#"finetune(model, data, learning_rate=1e-4)"#))
    #expect(kw.message.contains("unknown keyword argument 'learning_rate'"))
    let run = try #require(try r.error(#"resume("runs/none")"#))
    #expect(run.message.contains("runs/none"))
    let seg = try #require(try r.error(#"segment_file("nope.nii.gz", "s.nii.gz", model=model, classes=[3])"#))
    #expect(seg.message.contains("nope.nii.gz"))
  }
}

@Suite struct KeywordNamedArgumentTests {
  @Test func runWorksAsAKeywordArgument() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    let e = try #require(try r.error(#"resume(run="runs/none")"#))
    #expect(e.message.contains("runs/none"))
  }
}
