import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// Our transforms against MONAI 1.6 on small volumes with oblique / permuted, anisotropic affines.
@Suite struct TransformParityTests {
  static let grids = ["oblique", "permuted"]

  func input(_ grid: String) throws -> (Volume, Volume) {
    let affine = try DataGolden.affine("\(grid).affine")
    return (
      try Volume(array: DataGolden.tensor("\(grid).image"), affine: affine),
      try Volume(array: DataGolden.tensor("\(grid).label"), affine: affine)
    )
  }

  @Test(arguments: grids) func orientationMatchesMONAI(grid: String) throws {
    let (image, _) = try input(grid)
    for codes in ["RAS", "LPI", "ASR"] {
      let o = try Orientation(axcodes: codes)(image)
      let ref = try DataGolden.tensor("\(grid).orient_\(codes)")
      #expect(o.array == ref, "\(grid) \(codes): data")
      expectAffine(
        o.affine, try DataGolden.affine("\(grid).orient_\(codes).affine"), "\(grid) \(codes)")
    }
  }

  @Test(arguments: grids) func spacingMatchesMONAI(grid: String) throws {
    let (image, label) = try input(grid)
    let img = try Orientation()(image)
    let lab = try Orientation()(label)
    for (tag, pixdim) in [("1.5", [1.5, 1.5, 1.5]), ("aniso", [0.7, 1.1, 1.9])] {
      let si = try Spacing(pixdim: pixdim, mode: .bilinear)(img)
      let sl = try Spacing(pixdim: pixdim, mode: .nearest)(lab)
      expectArray(
        si.array, try DataGolden.tensor("\(grid).spacing_\(tag).image"), "\(grid) \(tag) image")
      let refLabel = try DataGolden.tensor("\(grid).spacing_\(tag).label")
      #expect(sl.array.shape == refLabel.shape)
      let offTie = try labelMismatchesOffTies(sl, refLabel, input: lab)
      #expect(
        offTie.mismatched <= offTie.ties / 4,
        "\(grid) \(tag): \(offTie.mismatched) of \(offTie.ties) ties differ")
      #expect(
        offTie.offTie == 0,
        "\(grid) \(tag): \(offTie.offTie) label voxels differ away from a half-voxel tie")
      expectAffine(
        si.affine, try DataGolden.affine("\(grid).spacing_\(tag).affine"), "\(grid) \(tag)")
      expectAffine(
        sl.affine, try DataGolden.affine("\(grid).spacing_\(tag).label_affine"),
        "\(grid) \(tag) label")
    }
  }

  /// The 1.5 mm RAS image scaled to [0, 1], MONAI's output.
  func scaled(_ grid: String) throws -> Volume {
    let (image, _) = try input(grid)
    let si = try Spacing(pixdim: [1.5, 1.5, 1.5])(try Orientation()(image))
    return try ScaleIntensityRange(aMin: -1000, aMax: 1000, bMin: 0, bMax: 1, clip: true)(si)
  }

  @Test(arguments: grids) func scaleIntensityMatchesMONAI(grid: String) throws {
    expectArray(try scaled(grid).array, try DataGolden.tensor("\(grid).scaled"), "\(grid) scaled")
  }

  @Test(arguments: grids) func cropForegroundAndPadMatchMONAI(grid: String) throws {
    // Start from MONAI's scaled volume so crop boxes are compared exactly.
    let sc = try Volume(array: DataGolden.tensor("\(grid).scaled"), affine: try scaled(grid).affine)
    for (tag, t) in [
      ("m0", CropForeground(threshold: 0.5)), ("m2", CropForeground(threshold: 0.5, margin: [2])),
      ("m2_small", CropForeground(threshold: 0.5, margin: [2], allowSmaller: true)),
    ] {
      let out = try t(sc)
      #expect(out.array == (try DataGolden.tensor("\(grid).cropfg_\(tag)")), "\(grid) \(tag)")
      expectAffine(
        out.affine, try DataGolden.affine("\(grid).cropfg_\(tag).affine"), "\(grid) \(tag)")
    }
    // undo the crop with zeros padding (source grid shifted by a fraction of a voxel so both modes interpolate)
    let crop = try CropForeground(threshold: 0.5)(sc)
    var shifted = crop.affine
    let delta = shifted * Affine.translation([0.3, -0.2, 0.4])
    for r in 0..<3 { shifted[r, 3] = delta[r, 3] }
    for mode in [InterpolationMode.bilinear, .nearest] {
      let back = try ResampleToMatch(sc, mode: mode, padding: .zeros)(
        crop.with(array: crop.array, affine: shifted))
      expectArray(
        back.array, try DataGolden.tensor("\(grid).uncrop_zeros_\(mode.rawValue)"),
        "\(grid) uncrop \(mode)")
    }
    let pad = try SpatialPad(spatialSize: [24, 9, 21])(sc)
    #expect(pad.array == (try DataGolden.tensor("\(grid).pad")))
    expectAffine(pad.affine, try DataGolden.affine("\(grid).pad.affine"), "\(grid) pad")
  }

  @Test(arguments: grids) func cropsAtGivenCentresMatchMONAI(grid: String) throws {
    let sc = try Volume(array: DataGolden.tensor("\(grid).scaled"), affine: try scaled(grid).affine)
    let t = RandCropByPosNegLabel(spatialSize: [8, 6, 5], numSamples: 3)
    let raw = try DataGolden.ints("\(grid).crop_centres_raw")
    let want = try DataGolden.ints("\(grid).crop_centres")
    let centres = try (0..<3).map {
      try t.correctCentre(Array(raw[$0 * 3..<$0 * 3 + 3]), shape: sc.spatialShape)
    }
    #expect(centres.flatMap { $0 } == want)
    for (i, crop) in t.crop(sc, centres: centres).enumerated() {
      #expect(crop.array == (try DataGolden.tensor("\(grid).crop\(i)")), "\(grid) crop \(i)")
      expectAffine(
        crop.affine, try DataGolden.affine("\(grid).crop\(i).affine"), "\(grid) crop \(i)")
    }
  }

  /// Nearest-neighbour labels may differ from MONAI only where the source coordinate is an exact half-voxel
  /// tie (torch's linspace/bmm round-off decides those); count mismatches elsewhere.
  func labelMismatchesOffTies(_ ours: Volume, _ ref: Tensor, input: Volume) throws
    -> (mismatched: Int, offTie: Int, ties: Int)
  {
    let xform = try input.affine.inverse() * ours.affine
    let grid = MonaiGrid(xform: xform, inShape: input.spatialShape, outShape: ours.spatialShape)
    let s = ours.spatialShape
    var (mismatched, offTie, ties) = (0, 0, 0)
    for i in 0..<s[0] {
      for j in 0..<s[1] {
        for k in 0..<s[2] {
          let tie = (0..<3).contains { a in
            let c = grid.coordinate(a, i, j, k)
            return abs(c - c.rounded(.down) - 0.5) < 1e-9
          }
          if tie { ties += 1 }
          let n = (i * s[1] + j) * s[2] + k
          if ours.array.scalars[n] != ref.scalars[n] {
            mismatched += 1
            if !tie { offTie += 1 }
          }
        }
      }
    }
    return (mismatched, offTie, ties)
  }

  @Test(arguments: grids) func resampleBackToTheOriginalGridMatchesMONAI(grid: String) throws {
    let (image, label) = try input(grid)
    let spacedImage = try Volume(
      array: DataGolden.tensor("\(grid).spacing_1.5.image"),
      affine: DataGolden.affine("\(grid).spacing_1.5.affine"))
    let back = try ResampleToMatch(image, mode: .bilinear)(spacedImage)
    expectArray(back.array, try DataGolden.tensor("\(grid).inverse_image"), "\(grid) inverse image")
    expectAffine(back.affine, image.affine, "\(grid) inverse")
    let spacedLabel = try Volume(
      array: DataGolden.tensor("\(grid).spacing_1.5.label"),
      affine: DataGolden.affine("\(grid).spacing_1.5.label_affine"))
    let backLabel = try ResampleToMatch(label, mode: .nearest)(spacedLabel)
    let counts = try labelMismatchesOffTies(
      backLabel, try DataGolden.tensor("\(grid).inverse_label"), input: spacedLabel)
    #expect(counts.offTie == 0, "\(grid): \(counts.offTie) label voxels differ away from ties")
  }

  @Test func realCTThroughTheTutorialPrefixMatchesMONAI() throws {
    guard let url = Fixtures.shared("totalsegmentator_example/example_ct_sm.nii.gz") else { return }
    let pipe = Pipeline.tutorialVal(labelMap: [:])
    let out = try pipe(Case(name: "ct", image: NIfTI.read(url))).image
    #expect(out.shape == (try DataGolden.ints("real_ct.pre.shape")))
    expectAffine(out.affine, try DataGolden.affine("real_ct.pre.affine"), "real CT 1.5 mm")
    let idx = try DataGolden.ints("real_ct.pre.index")
    let want = try DataGolden.tensor("real_ct.pre.values").scalars
    for (n, v) in want.enumerated() {
      let got = out.array.value(at: Array(idx[n * 4..<n * 4 + 4]))!
      #expect(
        abs(got - v) <= 1e-5 * max(1, abs(v)),
        "voxel \(idx[n * 4..<n * 4 + 4]): \(got) vs MONAI \(v)")
    }
    let stats = try DataGolden.doubles("real_ct.pre.stats")
    let sum = out.array.scalars.reduce(0.0) { $0 + Double($1) }
    let sq = out.array.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
    #expect(abs(sum - stats[0]) <= 1e-6 * stats[0], "sum \(sum) vs MONAI \(stats[0])")
    #expect(abs(sq - stats[1]) <= 1e-6 * stats[1], "sum of squares \(sq) vs MONAI \(stats[1])")
  }

  @Test(arguments: grids) func relabelMatchesMONAI(grid: String) throws {
    let (_, label) = try input(grid)
    let sl = try Spacing(pixdim: [1.5, 1.5, 1.5], mode: .nearest)(try Orientation()(label))
    let ref = try DataGolden.tensor("\(grid).relabel")
    let ours = try MapLabels([1: 3])(sl)
    #expect(try labelMismatchesOffTies(ours, ref, input: try Orientation()(label)).offTie == 0)
    #expect(ours.array.scalars.filter { $0 == 3 }.count > 0 && !ours.array.scalars.contains(1))
  }
}
