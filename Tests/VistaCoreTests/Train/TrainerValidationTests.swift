import Foundation
import Testing

@testable import VistaCore

@Suite(.serialized) struct TrainerValidationTests {
  /// The loss of the whole-volume logits, computed here from the sliding window and the loss modules.
  func expectedLoss(_ trainer: Trainer, loss: TrainLoss) throws -> Double {
    let data = try #require(trainer.valData)
    var total = 0.0
    for c in data.cached {
      var sw = SlidingWindowOptions(roi: trainer.options.patch, overlap: [trainer.options.overlap])
      sw.mode = .constant
      let image = try c.image.array.reshaped([1] + c.image.shape)
      let logits = try vistaSlidingWindow(trainer.model, image: image, classes: [3], options: sw)
      let spatial = c.image.spatialShape
      let input = Variable(try logits.reshaped([1, 1] + spatial))
      let labels = try #require(c.label).array
      let target = try Tensor(shape: [1, 1] + spatial, scalars: labels.scalars.map { $0 == 3 ? 1 : 0 })
      let value: Variable
      switch loss {
      case .dice: value = try DiceLoss()(input, target)
      case .diceCE: value = try DiceCELoss(squaredPred: true, smoothNr: 1e-4, smoothDr: 1e-2)(input, target)
      }
      total += Double(value.value.scalars[0])
    }
    return total / Double(data.count)
  }

  @Test(arguments: [TrainLoss.dice, .diceCE])
  func validationReportsTheTrainingLossOnTheWholeVolumes(loss: TrainLoss) throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    var o = TinyRun.options(mode: .autoOnly)
    o.loss = loss
    let trainer = try Trainer(model: VISTA3D(.tiny, seed: 1), train: fx.train, val: fx.val, options: o)
    let result = try trainer.validate()
    let expected = try expectedLoss(trainer, loss: loss)
    #expect(result.loss.isFinite && result.loss > 0)
    #expect(abs(result.loss - expected) <= 1e-6 * max(1, abs(expected)))
  }

  @Test func valLossGoesToMetricsCsvSummaryAndHistory() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    let run = fx.folder("v")
    var o = TinyRun.options(mode: .autoOnly)
    o.valAtStart = true
    let trainer = try Trainer(model: VISTA3D(.tiny, seed: 1), train: fx.train, val: fx.val, options: o, run: run)
    try trainer.fit(epochs: 1)
    #expect(trainer.history.count == 2)  // baseline + epoch 1
    let losses = trainer.history.map(\.valLoss)
    #expect(losses.allSatisfy { $0?.isFinite == true })
    #expect(losses[0] != losses[1])  // a step changed the model
    let metrics = try RunFolder(url: run).readMetrics()
    let column = try #require(metrics.header.firstIndex(of: "val_loss"))
    #expect(metrics.rows.map { Double($0[column]) } == losses)
    let log = try String(contentsOf: run.appendingPathComponent("log.txt"), encoding: .utf8)
    #expect(log.contains(String(format: "val loss %.4f", losses[1]!)))
  }

  @Test func anEpochWithoutValidationHasNoValLoss() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    var o = TinyRun.options(mode: .autoOnly)
    o.valInterval = 2
    let trainer = try Trainer(model: VISTA3D(.tiny, seed: 1), train: fx.train, val: fx.val, options: o, run: fx.folder("n"))
    let record = try #require(try trainer.epoch())
    #expect(record.valLoss == nil && record.valDice == nil)
    let metrics = try RunFolder(url: fx.folder("n")).readMetrics()
    let column = try #require(metrics.header.firstIndex(of: "val_loss"))
    #expect(metrics.rows[0][column] == "")
  }
}
