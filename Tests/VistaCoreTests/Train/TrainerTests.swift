import Foundation
import Testing

@testable import VistaCore

/// A tiny synthetic dataset (32×32×16 voxels → ~17×17×26 after 1.5 mm resampling) in a temp folder.
struct TinyRun {
  let root: URL
  let data: Dataset

  init(cases: Int = 3) throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("vista-trainer-\(UUID().uuidString)")
    try SyntheticDataset.write(to: root.appendingPathComponent("data"), cases: cases, size: [32, 32, 16], seed: 3)
    data = try Dataset(path: root.appendingPathComponent("data"))
  }

  var train: [DataItem] { Array(data.items.dropLast()) }
  var val: [DataItem] { [data.items.last!] }

  func folder(_ name: String) -> URL { root.appendingPathComponent("runs/\(name)") }

  static func options(mode: PromptMode = .both, lr: Double = 1e-3) -> TrainerOptions {
    var o = TrainerOptions()
    o.patch = [16, 16, 16]
    o.samples = 2
    o.lr = lr
    o.mode = mode
    o.seed = 7
    o.verbose = false
    return o
  }

  func remove() { try? FileManager.default.removeItem(at: root) }
}

@Suite(.serialized) struct TrainerTests {
  @Test func stepTrainsOnePatchAndChangesTheWeights() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    let model = VISTA3D(.tiny, seed: 1)
    let trainer = try Trainer(model: model, train: fx.train, options: TinyRun.options(mode: .autoOnly))
    let before = model.parameters.map(\.value)
    let loss = try trainer.step()
    #expect(loss.isFinite && loss > 0 && loss <= 1)
    #expect(trainer.globalStep == 1)
    let changed = zip(before, model.parameters).filter { $0.0 != $0.1.value }.count
    #expect(changed > 0)
    #expect(model.parameters.allSatisfy { $0.grad == nil })
  }

  @Test func frozenPartsAreNotUpdated() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    let model = VISTA3D(.tiny, seed: 1)
    var o = TinyRun.options(mode: .autoOnly)
    o.freeze = ["image_encoder.encoder"]
    let trainer = try Trainer(model: model, train: fx.train, options: o)
    let before = Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0.value) })
    try trainer.step()
    for p in model.parameters {
      let frozen = p.name.hasPrefix("image_encoder.encoder")
      #expect(!frozen || p.value == before[p.name]!, "\(p.name)")
    }
    #expect(model.classHead.parameters.contains { $0.value != before[$0.name]! })
  }

  @Test func epochRunsEveryPatchValidatesAndWritesTheRunFolder() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    let run = fx.folder("a")
    let trainer = try Trainer(model: VISTA3D(.tiny, seed: 1), train: fx.train, val: fx.val, options: TinyRun.options(), run: run)
    var lines: [String] = []
    trainer.output = { lines.append($0) }
    let record = try #require(try trainer.epoch())
    #expect(record.epoch == 1)
    #expect(record.stepLosses.count == fx.train.count * 2)
    #expect(trainer.stepsPerEpoch == 4)
    #expect(record.valDice != nil && record.valPerClass?.count == 1)
    #expect(record.isBest)
    #expect(trainer.history == [record])
    let folder = try RunFolder(url: run)
    let metrics = try folder.readMetrics()
    for column in ["epoch", "train_loss", "val_dice", "seconds", "lr"] { #expect(metrics.header.contains(column)) }
    #expect(metrics.rows.count == 1)
    for name in ["last.pt", "best.pt", "params.json", "log.txt", Trainer.stateFileName] {
      #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(name).path), "\(name)")
    }
    let sd = try Checkpoint.load(run.appendingPathComponent("last.pt").path)
    #expect(sd.keys == trainer.model.stateDict().keys)
    #expect(try sd.tensor(sd.keys[0]) == trainer.model.stateEntries[0].value)
  }

  @Test func interruptedThenResumedRunReproducesTheLossesBitForBit() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    let options = TinyRun.options(mode: .both)
    let a = try Trainer(model: VISTA3D(.tiny, seed: 1), train: fx.train, val: fx.val, options: options, run: fx.folder("a"))
    try a.fit(epochs: 2)
    let lossesA = a.history.flatMap(\.stepLosses)
    #expect(lossesA.count == 8)

    // Stop mid-epoch and mid-case (step 3 of 4: the second patch of the second case is pending).
    let b = try Trainer(model: VISTA3D(.tiny, seed: 1), train: fx.train, val: fx.val, options: options, run: fx.folder("b"))
    var messages: [String] = []
    b.output = { messages.append($0) }
    b.shouldStop = { [unowned b] in b.globalStep == 3 }
    let partial = try b.fit(epochs: 2)
    #expect(partial.isEmpty)
    #expect(b.globalStep == 3)
    #expect(messages.joined().contains("stopped at epoch 1 step 3/4"))

    let c = try Trainer.resume(fx.folder("b"), verbose: false)
    #expect(c.globalStep == 3)
    try c.fit(epochs: 2)
    let lossesC = c.history.flatMap(\.stepLosses)
    #expect(lossesC == lossesA)
    #expect(c.history.map(\.valDice) == a.history.map(\.valDice))
    #expect(c.history.map(\.valLoss) == a.history.map(\.valLoss))
    #expect(c.history.allSatisfy { $0.valLoss?.isFinite == true })
    for (p, q) in zip(a.model.parameters, c.model.parameters) { #expect(p.value == q.value, "\(p.name)") }
    #expect(try RunFolder(url: fx.folder("b")).readMetrics().rows.count == 2)
  }

  @Test func nonFiniteLossStopsAndNamesTheLastCheckpoint() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    let model = VISTA3D(.tiny, seed: 1)
    let trainer = try Trainer(model: model, train: fx.train, options: TinyRun.options(mode: .autoOnly), run: fx.folder("nan"))
    try trainer.epoch()
    let p = model.parameters[0]
    p.value = p.value.map { _ in .nan }
    let other = model.parameters[1].value
    #expect {
      try trainer.step()
    } throws: { error in
      "\(error)".contains("last good checkpoint") && "\(error)".contains("last.pt")
    }
    #expect(model.parameters[1].value == other)
    #expect(model.parameters.allSatisfy { $0.grad == nil })
  }

  @Test func ampSkipsANonFiniteStepInsteadOfStopping() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    let model = VISTA3D(.tiny, seed: 1)
    var o = TinyRun.options(mode: .autoOnly)
    o.amp = true
    let trainer = try Trainer(model: model, train: fx.train, options: o)
    let p = model.parameters[0]
    p.value = p.value.map { _ in .nan }
    let other = model.parameters[1].value
    let loss = try trainer.step()
    #expect(!loss.isFinite)
    #expect(model.parameters[1].value == other)
    #expect(trainer.globalStep == 1)
  }

  @Test func earlyStoppingEndsFitWhenValDiceStopsImproving() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    var o = TinyRun.options(mode: .autoOnly)
    o.patience = 1
    o.minDelta = 2  // no epoch can improve by more than 2
    o.limitSteps = 1
    let trainer = try Trainer(model: VISTA3D(.tiny, seed: 1), train: fx.train, val: fx.val, options: o)
    let history = try trainer.fit(epochs: 5)
    #expect(history.count == 2)
    #expect(history[0].isBest && !history[1].isBest)
  }

  @Test func valAtStartRecordsABaselineAsEpochZero() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    var o = TinyRun.options(mode: .autoOnly)
    o.valAtStart = true
    o.limitSteps = 1
    let trainer = try Trainer(model: VISTA3D(.tiny, seed: 1), train: fx.train, val: fx.val, options: o, run: fx.folder("v"))
    let history = try trainer.fit(epochs: 1)
    #expect(history.map(\.epoch) == [0, 1])
    #expect(history[0].stepLosses.isEmpty && history[0].valDice != nil)
    let v = try trainer.validate()
    #expect(v.classes == [3] && v.perCase.count == 1 && v.perClass.count == 1)
    #expect(v.mean.isNaN || (0...1).contains(v.mean))
    #expect(try RunFolder(url: fx.folder("v")).readMetrics().rows.count == 2)
  }

  @Test func aRunFolderIsNotOverwrittenAndBadOptionsAreNamed() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    var o = TinyRun.options(mode: .autoOnly)
    o.limitSteps = 1
    let t = try Trainer(model: VISTA3D(.tiny, seed: 1), train: fx.train, options: o, run: fx.folder("x"))
    try t.epoch()
    #expect {
      _ = try Trainer(model: VISTA3D(.tiny, seed: 1), train: fx.train, options: o, run: fx.folder("x"))
    } throws: { "\($0)".contains("resume") }
    o.optimizer = "lion"
    #expect {
      _ = try Trainer(model: VISTA3D(.tiny, seed: 1), train: fx.train, options: o)
    } throws: { "\($0)".contains("optimizer") }
    #expect(throws: VistaError.self) { _ = try Trainer.resume(fx.folder("nothing")) }
  }
}
