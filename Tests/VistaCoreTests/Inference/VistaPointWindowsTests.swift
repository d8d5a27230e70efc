import Foundation
import TestSupport
import Testing

@testable import VistaCore

@Suite struct VistaPointWindowsTests {
  /// One click: the window centred on it holds exactly the model's output for that patch with the
  /// click in window coordinates; everything else is NaN (not computed; 255 in the label map).
  @Test func oneClickIsTheModelOnTheWindowCentredOnIt() throws {
    let model = VISTA3D(.tiny, seed: 2)
    var rng = RandomGenerator(seed: 5)
    let image = Tensor.uniform([1, 1, 40, 16, 24], low: 0, high: 1, using: &rng)
    let click: [Float] = [21, 7, 12]
    let out = try vistaPointWindow(
      model, image: image, classes: nil, points: try Tensor(shape: [1, 3], scalars: click), pointLabels: [1], roi: [16, 16, 16])
    #expect(out.shape == [1, 1, 40, 16, 24])
    // MONAI's centred window: [p − roi/2, p + roi/2) clamped into the image → x 13..<29, y 0..<16, z 4..<20.
    let starts = [13, 0, 4]
    var patch = Tensor(zeros: [1, 1, 16, 16, 16])
    patch.withUnsafeMutableBufferPointer { p in
      for x in 0..<16 { for y in 0..<16 { for z in 0..<16 {
        p[(x * 16 + y) * 16 + z] = image.scalars[((x + 13) * 16 + y) * 24 + z + 4]
      } } }
    }
    let prompts = try PointPrompts(
      coords: try Tensor(shape: [1, 1, 3], scalars: (0..<3).map { click[$0] - Float(starts[$0]) }),
      labels: try IntTensor(shape: [1, 1], scalars: [1]))
    let direct = try GradMode.withNoGrad { try model(Variable(patch), classes: nil, points: prompts).value }
    var inside: [Float] = []
    var outside: [Float] = []
    for x in 0..<40 { for y in 0..<16 { for z in 0..<24 {
      let v = out.scalars[(x * 16 + y) * 24 + z]
      if (13..<29).contains(x) && (4..<20).contains(z) { inside.append(v) } else { outside.append(v) }
    } } }
    expectClose(Tensor(inside), try direct.reshaped([4096]), rtol: 1e-5, atol: 1e-5, "window")
    #expect(outside.allSatisfy { $0.isNaN })
  }

  /// Through segment(): a clicks-only result is not erased near the click where the sliding
  /// window's click-less windows would overlap the clicked one (x 24..<28 here: windows start at
  /// 0, 12, 24 for roi 16 on 40 voxels, and only [12, 28) holds the click at x 20).
  @Test func clicksOnlySegmentKeepsTheClickedRegion() throws {
    let model = VISTA3D(.tiny, seed: 2)
    var rng = RandomGenerator(seed: 6)
    let vol = try Volume(array: Tensor.uniform([1, 40, 16, 24], low: 0, high: 1, using: &rng))
    var o = SegmentOptions(roi: [16, 16, 16])
    o.preprocess = false
    let seg = try segment(model, vol, points: [[20, 7, 12]], pointLabels: [1], options: o)
    for x in 24..<28 {
      let v = seg.logits.scalars[(x * 16 + 7) * 24 + 12]
      #expect(v.isFinite && v > -100, "x \(x): \(v)")
    }
  }

  /// As the bundle's inferer: a zero-shot class (> 132) with clicks prompts the point head only
  /// (prompt_class), never the class head; without clicks it goes to the class head (a finetuned
  /// model may have learnt it).
  @Test func zeroShotClassPromptsThePointHeadOnly() throws {
    let model = VISTA3D(.tiny, seed: 2)
    var rng = RandomGenerator(seed: 7)
    let image = Tensor.uniform([1, 1, 16, 16, 16], low: 0, high: 1, using: &rng)
    let click: [Float] = [8, 7, 9]
    let out = try vistaPointWindow(
      model, image: image, classes: [140], points: try Tensor(shape: [1, 3], scalars: click), pointLabels: [1],
      roi: [16, 16, 16])
    let prompts = try PointPrompts(
      coords: try Tensor(shape: [1, 1, 3], scalars: click), labels: try IntTensor(shape: [1, 1], scalars: [1]),
      promptClass: [140])
    let direct = try GradMode.withNoGrad { try model(Variable(image), classes: nil, points: prompts).value }
    expectClose(out, direct, rtol: 1e-5, atol: 1e-5, "zero-shot window")
    // The supported-class token differs from the zero-shot one, so the prompt class did matter.
    let supported = try GradMode.withNoGrad {
      try model(Variable(image), classes: nil, points: try PointPrompts(coords: prompts.coords, labels: prompts.labels)).value
    }
    #expect(zip(out.scalars, supported.scalars).contains { abs($0 - $1) > 1e-4 })
    let sliding = try vistaSlidingWindow(
      model, image: image, classes: [140], points: try Tensor(shape: [1, 3], scalars: click), pointLabels: [1],
      options: SlidingWindowOptions(roi: [16, 16, 16]))
    expectClose(sliding, direct, rtol: 1e-5, atol: 1e-5, "zero-shot sliding window")
    let classOnly = try vistaSlidingWindow(
      model, image: image, classes: [140], options: SlidingWindowOptions(roi: [16, 16, 16]))
    let classHead = try GradMode.withNoGrad { try model(Variable(image), classes: [140]).value }
    expectClose(classOnly, classHead, rtol: 1e-5, atol: 1e-5, "class 140 without clicks")
  }
}
