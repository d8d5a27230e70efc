import Foundation
import TestSupport
import Testing

@testable import VistaCore

@Suite struct RandCropByPosNegLabelTests {
  /// MONAI's algorithm written the direct way: index lists, coin, randint into the list.
  func naiveCentres(
    _ t: RandCropByPosNegLabel, label: Volume, image: Volume, rng: inout RandomGenerator
  ) throws
    -> [[Int]]
  {
    let l = label.array.scalars
    let im = image.array.scalars
    let fg = l.indices.filter { l[$0] > 0 }
    let bg = l.indices.filter { l[$0] == 0 && im[$0] > t.imageThreshold }
    var ratio = t.pos / (t.pos + t.neg)
    if fg.isEmpty { ratio = 0 } else if bg.isEmpty { ratio = 1 }
    let s = label.spatialShape
    return try (0..<t.numSamples).map { _ in
      let pool = rng.nextDouble() < ratio ? fg : bg
      let idx = pool[rng.nextInt(below: pool.count)]
      return try t.correctCentre([idx / (s[1] * s[2]), (idx / s[2]) % s[1], idx % s[2]], shape: s)
    }
  }

  @Test func centresFollowMONAIsSamplingRule() throws {
    var gen = RandomGenerator(seed: 11)
    let image = try Volume(array: Tensor.uniform([1, 14, 12, 10], low: -0.5, high: 1, using: &gen))
    let label = try Volume(
      array: Tensor.uniform([1, 14, 12, 10], low: 0, high: 1, using: &gen).map { $0 > 0.9 ? 1 : 0 })
    for (pos, neg) in [(1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (2.0, 1.0)] {
      let t = RandCropByPosNegLabel(spatialSize: [6, 5, 4], pos: pos, neg: neg, numSamples: 7)
      var a = RandomGenerator(seed: 3)
      var b = RandomGenerator(seed: 3)
      #expect(
        try t.sampleCentres(label: label, image: image, using: &a)
          == naiveCentres(t, label: label, image: image, rng: &b))
    }
  }

  @Test func foregroundSamplesAreCentredOnForeground() throws {
    var label = Tensor(zeros: [1, 20, 20, 20])
    label.withUnsafeMutableBufferPointer { $0[(10 * 20 + 10) * 20 + 10] = 1 }
    let vol = try Volume(array: label)
    let t = RandCropByPosNegLabel(spatialSize: [4, 4, 4], pos: 1, neg: 0, numSamples: 3)
    var rng = RandomGenerator(seed: 0)
    #expect(
      try t.sampleCentres(label: vol, image: nil, using: &rng) == [
        [10, 10, 10], [10, 10, 10], [10, 10, 10],
      ])
    let empty = try Volume(array: Tensor(repeating: -1, shape: [1, 8, 8, 8]))
    #expect(throws: VistaError.self) {
      try t.sampleCentres(
        label: try Volume(array: Tensor(zeros: [1, 8, 8, 8])), image: empty, using: &rng)
    }
  }
}
