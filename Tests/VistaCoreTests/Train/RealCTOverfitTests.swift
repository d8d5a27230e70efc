import Foundation
import Testing
import TestSupport

@testable import VistaCore

/// The real CT of ../shared/totalsegmentator_example (skipped when absent): the spleen label lines up
/// with the spleen after the tutorial pipeline, and a reduced version of examples/overfit_real_ct.vs
/// learns something about it (VISTA_SLOW_TESTS=1). The full overfit run (Dice ≥ 0.9) is the
/// example's documented run.
@Suite(.serialized) struct RealCTOverfitTests {
  /// The CT and its TotalSegmentator v1 spleen mask (same grid), or nil without ../shared.
  static var item: DataItem? {
    guard let ct = Fixtures.shared("totalsegmentator_example/example_ct.nii.gz"),
      let spleen = Fixtures.shared("totalsegmentator_example/example_seg_v1/spleen.nii.gz")
    else { return nil }
    return DataItem(image: ct, label: spleen)
  }

  /// Mean HU of the preprocessed image inside and outside `label == 3`.
  func meanHU(_ c: Case) throws -> (inside: Double, outside: Double, voxels: Int) {
    let image = c.image.array.scalars
    let label = try #require(c.label).array.scalars
    var (sumIn, sumOut, nIn) = (0.0, 0.0, 0)
    for i in image.indices {
      let hu = Double(image[i]) * 2000 - 1000  // ScaleIntensityRange(−1000..1000 → 0..1) inverted
      if label[i] == 3 {
        sumIn += hu
        nIn += 1
      } else {
        sumOut += hu
      }
    }
    return (sumIn / Double(nIn), sumOut / Double(image.count - nIn), nIn)
  }

  @Test(arguments: [3.0, 1.5])
  func spleenLabelSitsOnTheSpleenAfterThePipeline(pixdim: Double) throws {
    guard let item = Self.item else { return }
    let c = try Pipeline.tutorialVal(pixdim: [pixdim, pixdim, pixdim], labelMap: [1: 3])(Case(loading: item))
    #expect(c.label?.spatialShape == c.image.spatialShape)
    let m = try meanHU(c)
    // README: 9,677 voxels of 27 mm³, mean 31.7 HU. Resampling changes both a little, a shifted or
    // flipped label would put the mask on fat, air or liver (> 50 HU) and move the mean far away.
    let expectedVoxels = 9677.0 * pow(3.0 / pixdim, 3)
    #expect(abs(Double(m.voxels) / expectedVoxels - 1) < 0.05, "\(m.voxels) voxels")
    #expect((25...40).contains(m.inside), "mean HU in the spleen mask \(m.inside)")
    #expect(m.outside < -200, "mean HU outside \(m.outside)")
  }

  /// Mean logit inside minus outside the spleen mask on the validation case (whole-volume windows).
  func separation(_ trainer: Trainer) throws -> Double {
    let c = try #require(trainer.valData?.cached.first)
    var sw = SlidingWindowOptions(roi: trainer.options.patch, overlap: [0.25])
    sw.mode = .constant
    let image = try c.image.array.reshaped([1] + c.image.shape)
    let logits = try vistaSlidingWindow(trainer.model, image: image, classes: [3], options: sw).scalars
    let label = try #require(c.label).array.scalars
    var (sumIn, sumOut, nIn) = (0.0, 0.0, 0)
    for i in label.indices {
      if label[i] == 3 {
        sumIn += Double(logits[i])
        nIn += 1
      } else {
        sumOut += Double(logits[i])
      }
    }
    return sumIn / Double(nIn) - sumOut / Double(label.count - nIn)
  }

  /// ~2.5 min in a debug build, so it runs only with VISTA_SLOW_TESTS=1 (and ../shared present).
  @Test(.enabled(if: ProcessInfo.processInfo.environment["VISTA_SLOW_TESTS"] != nil))
  func aFewStepsOnTheCaseSeparateSpleenFromBackground() throws {
    guard let item = Self.item else { return }
    var o = TrainerOptions()
    o.patch = [32, 32, 32]
    o.samples = 2
    o.lr = 3e-3
    o.mode = .autoOnly
    o.loss = .diceCE
    o.pixdim = [6, 6, 6]  // 61×51×56: keeps the debug-build test short; the example runs at 3 mm
    o.seed = 0
    o.verbose = false
    let trainer = try Trainer(model: VISTA3D(.tiny, seed: 0), train: [item], val: [item], options: o)
    let before = try trainer.validate()
    let gapBefore = try separation(trainer)
    try trainer.fit(epochs: 4)
    let after = try trainer.validate()
    let gapAfter = try separation(trainer)
    // 8 steps from random init: the loss falls and spleen voxels get higher logits than the rest
    // (a label off the spleen could not do that); examples/overfit_real_ct.vs runs to Dice 0.92.
    #expect(after.loss < 0.7 * before.loss, "val loss \(before.loss) → \(after.loss)")
    // Measured: val loss 1.88 → 1.05, gap 0.09 → 0.27 (Dice is still 0: the net first learns "background").
    #expect(gapAfter > gapBefore + 0.1 && gapAfter > 0.15, "logit gap \(gapBefore) → \(gapAfter)")
  }
}
