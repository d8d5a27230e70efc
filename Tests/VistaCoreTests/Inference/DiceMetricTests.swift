import Foundation
import TestSupport
import Testing

@testable import VistaCore

private func url(_ name: String) -> URL { Fixtures.golden("train/\(name).npy") }

@Suite struct DiceMetricTests {
  @Test func perClassMatchesMonaiIncludingEmptyGroundTruth() throws {
    let pred = try NPY.readIntTensor(url("metric_pred"))
    let label = try NPY.readIntTensor(url("metric_label"))
    let expected = try NPY.readTensor(url("metric_dice"))
    let cases = pred.shape[0]
    let n = pred.count / cases
    var rows: [[Float]] = []
    for b in 0..<cases {
      let p = try IntTensor(shape: [n], scalars: Array(pred.scalars[b * n..<(b + 1) * n]))
      let l = try IntTensor(shape: [n], scalars: Array(label.scalars[b * n..<(b + 1) * n]))
      rows.append(try DiceMetric.perClass(prediction: p, label: l, classes: [1, 2, 3]))
    }
    let ours = Tensor(rows.flatMap { $0 })
    let ref = try expected.reshaped([-1])
    #expect(ours.scalars.map(\.isNaN) == ref.scalars.map(\.isNaN))
    #expect(ref.scalars.contains { $0.isNaN })
    for (a, b) in zip(ours.scalars, ref.scalars) where !b.isNaN { #expect(abs(a - b) <= 1e-6) }
    let mean = DiceMetric.nanMean(rows)
    expectClose(Tensor(mean), try NPY.readTensor(url("metric_dice_mean")), rtol: 1e-6, atol: 1e-7)
  }

  @Test func emptyHandlingAndBinaryMasks() throws {
    let empty = Tensor(zeros: [4])
    #expect(try DiceMetric.binary(prediction: empty, label: empty).isNaN)
    #expect(try DiceMetric.binary(prediction: empty, label: empty, ignoreEmpty: false) == 1)
    #expect(try DiceMetric.binary(prediction: Tensor([1, 0, 0, 0]), label: empty, ignoreEmpty: false) == 0)
    #expect(try DiceMetric.binary(prediction: Tensor([1, 1, 0, 0]), label: Tensor([0, 1, 1, 1])) == 0.4)
    #expect(DiceMetric.nanMean([[.nan, 1], [.nan, 0.5]])[0].isNaN)
    #expect(DiceMetric.nanMean([Float.nan, 0.2, 0.4]) == 0.3)
    #expect(throws: VistaError.self) {
      try DiceMetric.perClass(prediction: IntTensor([1]), label: IntTensor([1, 2]), classes: [1])
    }
    #expect(try DiceMetric.perClass(prediction: IntTensor([]), label: IntTensor([]), classes: [1])[0].isNaN)
    #expect(throws: VistaError.self) { try vistaPostProcess(Tensor(zeros: [1, 0])) }
    let twice = try DiceMetric.perClass(
      prediction: IntTensor([1, 1, 0]), label: IntTensor([1, 0, 5]), classes: [1, 1, 7])
    #expect(twice[0] == 2.0 / 3 && twice[1] == twice[0] && twice[2].isNaN)
  }
}

@Suite struct VistaPostProcessTests {
  @Test(arguments: [("post_multi", [5, 2, 9]), ("post_single", [3])])
  func matchesMonai(_ name: String, _ prompt: [Int]) throws {
    let logits = try NPY.readTensor(url("\(name)_logits"))
    let expected = try NPY.readIntTensor(url(name))
    let ours = try vistaPostProcess(logits, labelPrompt: prompt)
    #expect(ours.shape == expected.shape)
    #expect(ours.scalars == expected.scalars)
  }

  @Test func withoutPromptsGivesObjectIndices() throws {
    let logits = try Tensor(shape: [2, 3], scalars: [1, -1, 2, 0.5, -2, 3])
    #expect(try vistaPostProcess(logits).scalars == [1, 0, 2])
    #expect(try vistaPostProcess(try logits.reshaped([1, 6])).scalars == [1, 0, 1, 1, 0, 1])
    #expect(throws: VistaError.self) { try vistaPostProcess(logits, labelPrompt: [3]) }
    #expect(throws: VistaError.self) { try vistaPostProcess(logits, labelPrompt: [0, 3]) }
  }
}
