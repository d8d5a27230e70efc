import Foundation
import TestSupport
import Testing

@testable import VistaCore

@Suite struct ComponentsCombineTests {
  /// Against MONAI's `VISTA3D.connected_components_combine` (scripts/dev/golden/combine.py): click
  /// labels 0–3, several components, a non-integer click, a NaN voxel. The merge only copies
  /// values, so the result must be identical.
  @Test(arguments: 0..<5)
  func matchesMonai(_ c: Int) throws {
    func load(_ key: String) throws -> Tensor { try NPY.readTensor(Fixtures.golden("combine/cc\(c)_\(key).npy")) }
    let coords = try load("coords")
    let labels = try NPY.readIntTensor(Fixtures.golden("combine/cc\(c)_labels.npy")).scalars.map { Int($0) }
    let clicks = (0..<labels.count).map { i in (0..<3).map { coords.scalars[i * 3 + $0] } }
    let logits = try load("logits")
    let out = try connectedComponentsCombine(logits, try load("point_logits"), clicks: clicks, labels: labels)
    let expected = try load("out")
    #expect(out.shape == expected.shape)
    let mismatches = zip(out.scalars, expected.scalars).filter { a, b in !(a == b || (a.isNaN && b.isNaN)) }.count
    #expect(mismatches == 0, "case \(c): \(mismatches) voxels differ")
    // The case is not trivial: some voxels came from the point logits, some kept the class logits.
    let changed = zip(out.scalars, logits.scalars).filter { $0 != $1 && !$0.isNaN }.count
    #expect(changed > 0 && changed < out.count)
  }

  /// In a window, class + clicks merge by connected components (MONAI's forward with patch_coords),
  /// with the class passed on to the point head as prompt_class.
  @Test func windowsMergeClassAndClicksByComponents() throws {
    let model = VISTA3D(.tiny, seed: 2)
    var rng = RandomGenerator(seed: 8)
    let image = Tensor.uniform([1, 1, 16, 16, 16], low: 0, high: 1, using: &rng)
    let click: [Float] = [5, 9, 8]
    let prompts = try PointPrompts(
      coords: try Tensor(shape: [1, 1, 3], scalars: click), labels: try IntTensor(shape: [1, 1], scalars: [1]),
      promptClass: [3])
    let (auto, point) = try GradMode.withNoGrad {
      (try model(Variable(image), classes: [3]).value, try model(Variable(image), points: prompts).value)
    }
    let expected = try connectedComponentsCombine(auto, point, clicks: [click], labels: [1])
    // The click changed the class result, and not the way the whole-image gaussian blend does.
    let gaussian = try GradMode.withNoGrad { try model(Variable(image), classes: [3], points: prompts).value }
    #expect(zip(expected.scalars, auto.scalars).contains { $0 != $1 }, "the click must edit the class result")
    #expect(zip(expected.scalars, gaussian.scalars).contains { abs($0 - $1) > 1e-3 })
    let sliding = try vistaSlidingWindow(
      model, image: image, classes: [3], points: try Tensor(shape: [1, 3], scalars: click), pointLabels: [1],
      options: SlidingWindowOptions(roi: [16, 16, 16]))
    expectClose(sliding, expected, rtol: 1e-5, atol: 1e-5, "sliding window")
    let centred = try vistaPointWindow(
      model, image: image, classes: [3], points: try Tensor(shape: [1, 3], scalars: click), pointLabels: [1],
      roi: [16, 16, 16])
    expectClose(centred, expected, rtol: 1e-5, atol: 1e-5, "click-centred window")
  }

  @Test func badShapesAreNamed() {
    #expect(throws: VistaError.self) {
      try connectedComponentsCombine(Tensor(zeros: [1, 1, 2, 2, 2]), Tensor(zeros: [1, 1, 2, 2, 3]), clicks: [], labels: [])
    }
  }
}
