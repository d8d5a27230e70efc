import Foundation
import TestSupport
import Testing

@testable import VistaCore

@Suite struct RandomAugmentTests {
  func rasImage(_ grid: String) throws -> Volume {
    try Orientation()(
      Volume(array: DataGolden.tensor("\(grid).image"), affine: DataGolden.affine("\(grid).affine"))
    )
  }

  @Test(arguments: ["oblique", "permuted"]) func flipAndRotate90MatchMONAI(grid: String) throws {
    let img = try rasImage(grid)
    let f = try flip(img, axes: [0, 2])
    #expect(f.array == (try DataGolden.tensor("\(grid).flip02")))
    expectAffine(f.affine, try DataGolden.affine("\(grid).flip02.affine"), "\(grid) flip")
    for (k, axes) in [(1, (0, 1)), (3, (1, 2)), (2, (0, 2))] {
      let tag = "rot90_k\(k)_\(axes.0)\(axes.1)"
      let r = try rotate90(img, k: k, axes: axes)
      #expect(r.array == (try DataGolden.tensor("\(grid).\(tag)")), "\(grid) \(tag)")
      expectAffine(r.affine, try DataGolden.affine("\(grid).\(tag).affine"), "\(grid) \(tag)")
    }
  }

  @Test(arguments: ["oblique", "permuted"]) func gaussianSmoothMatchesMONAI(grid: String) throws {
    let img = try ScaleIntensityRange(aMin: -1000, aMax: 1000, bMin: 0, bMax: 1)(rasImage(grid))
    let g = try GaussianSmooth(sigma: [0.6, 1.3, 0.9])(img)
    expectArray(g.array, try DataGolden.tensor("\(grid).smooth"), "\(grid) smooth")
  }

  @Test(arguments: ["oblique", "permuted"]) func zoomMatchesMONAI(grid: String) throws {
    let img = try rasImage(grid)
    let lab = try Orientation()(
      Volume(array: DataGolden.tensor("\(grid).label"), affine: DataGolden.affine("\(grid).affine"))
    )
    for (tag, z) in [
      ("up", [1.2, 1.3, 1.15]), ("down", [0.8, 0.75, 0.9]), ("mixed", [1.25, 0.8, 1.0]),
    ] {
      let zi = try Zoom(zoom: z, mode: .area)(img)
      let zl = try Zoom(zoom: z, mode: .nearest)(lab)
      expectArray(
        zi.array, try DataGolden.tensor("\(grid).zoom_\(tag).image"), "\(grid) zoom \(tag)")
      #expect(
        zl.array == (try DataGolden.tensor("\(grid).zoom_\(tag).label")),
        "\(grid) zoom \(tag) label")
      expectAffine(
        zi.affine, try DataGolden.affine("\(grid).zoom_\(tag).affine"), "\(grid) zoom \(tag)")
    }
  }

  @Test func intensityAugmentationsStayInTheirRanges() throws {
    let v = try Volume(array: Tensor(repeating: 0.5, shape: [1, 4, 4, 4]))
    var rng = RandomGenerator(seed: 1)
    for _ in 0..<20 {
      let s = try RandScaleIntensity(factors: 0.1, prob: 1)(v, using: &rng).array.scalars[0]
      #expect(s >= 0.45 && s <= 0.55 && s != 0.5)
      let o = try RandShiftIntensity(offsets: 0.1, prob: 1)(v, using: &rng).array.scalars[0]
      #expect(o >= 0.4 && o <= 0.6 && o != 0.5)
    }
    #expect(try RandScaleIntensity(factors: 0.1, prob: 0)(v, using: &rng) == v)
    let noisy = try RandGaussianNoise(prob: 1, std: 0.2)(v, using: &rng).array.scalars
    #expect(Set(noisy).count > 1)
  }

  @Test func randomSpatialStepsMoveImageAndLabelTogether() throws {
    var rng = RandomGenerator(seed: 2)
    let t = Tensor.arange(60)
    let img = try Volume(array: t.reshaped([1, 3, 4, 5]))
    let c = Case(name: "x", image: img, label: img)
    for step in [
      PipelineStep.random(RandFlip(prob: 1)), .random(RandRotate90(prob: 1, spatialAxes: (1, 2))),
    ] {
      let out = try step.apply(c, using: &rng)[0]
      #expect(out.image.array == out.label!.array && out.image.array != img.array)
      #expect(step.isRandom)
    }
  }
}
