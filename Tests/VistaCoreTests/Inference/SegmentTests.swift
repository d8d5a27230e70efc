import Foundation
import Testing

@testable import VistaCore

@Suite struct SegmentTests {
  func tempDir(liver: Bool = false) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vista-seg-\(UUID().uuidString)")
    try SyntheticDataset.write(to: dir, cases: 1, size: [32, 32, 16], seed: 4, liver: liver)
    return dir
  }

  @Test func segmentFileWritesClassIdsOnTheOriginalGrid() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("imagesTr/synth_000.nii.gz")
    let output = dir.appendingPathComponent("seg.nii.gz")
    let model = VISTA3D(.tiny, seed: 2)
    let written = try segmentFile(
      input.path, output.path, model: model, classes: [3], options: SegmentOptions(roi: [16, 16, 16]))
    let original = try NIfTI.read(input)
    let back = try NIfTI.read(output)
    #expect(back.spatialShape == original.spatialShape)
    #expect(back.affine.isClose(to: original.affine, atol: 1e-4))
    #expect(back.array == written.array)
    #expect(Set(back.array.scalars).isSubset(of: [0, 3]))

    // The written map is the preprocessed-grid result resampled back (nearest).
    let seg = try segment(model, original, classes: [3], options: SegmentOptions(roi: [16, 16, 16]))
    #expect(seg.labels.spatialShape != original.spatialShape)
    let resampled = try ResampleToMatch(original, mode: .nearest)(seg.labels)
    #expect(resampled.array == back.array)
  }

  @Test func segmentOfAPreprocessedLabelRoundTripsThroughTheInverse() throws {
    // Inverse of Orientation + Spacing for labels: preprocess a label like an image, map it back.
    let dir = try tempDir(liver: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let label = try NIfTI.read(dir.appendingPathComponent("labelsTr/synth_000.nii.gz"))
    let ras = try Orientation(axcodes: "RAS")(label)
    #expect(try ResampleToMatch(label, mode: .nearest)(ras).array == label.array)  // a flip: exact
    let prepared = try Spacing(pixdim: [1.5, 1.5, 1.5], mode: .nearest)(ras)
    let back = try ResampleToMatch(label, mode: .nearest)(prepared)
    // 0.8 mm → 1.5 mm → 0.8 mm loses detail of a ~6-voxel organ, but a misaligned grid would lose far more.
    let dice = try DiceMetric.perClass(prediction: back.array.toInt(), label: label.array.toInt(), classes: [1, 2])
    #expect(dice.allSatisfy { $0 > 0.75 })
  }

  @Test func clicksAreMovedIntoWindowsAndDroppedOutside() throws {
    let points = try Tensor(shape: [3, 3], scalars: [5, 5, 5, 20, 3, 3, 9, 9, 0])
    let inside = try #require(try windowPoints(points, [1, 0, 1], start: [0, 0, 0], padBefore: [0, 0, 0], roi: [16, 16, 16]))
    #expect(inside.coords.scalars == [5, 5, 5])
    #expect(inside.labels.scalars == [1])
    let shifted = try #require(try windowPoints(points, [1, 0, 1], start: [8, 0, 0], padBefore: [0, 0, 0], roi: [16, 16, 16]))
    #expect(shifted.coords.scalars == [12, 3, 3])
    #expect(shifted.labels.scalars == [0])
    #expect(try windowPoints(points, [-1, -1, -1], start: [0, 0, 0], padBefore: [0, 0, 0], roi: [16, 16, 16]) == nil)
  }

  @Test func pointPromptsInOriginalVoxelsSegmentAroundTheClick() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let original = try NIfTI.read(dir.appendingPathComponent("imagesTr/synth_000.nii.gz"))
    let model = VISTA3D(.tiny, seed: 2)
    let o = SegmentOptions(roi: [16, 16, 16])
    let seg = try segment(model, original, classes: [3], points: [[16, 16, 8]], pointLabels: [1], options: o)
    let auto = try segment(model, original, classes: [3], options: o)
    #expect(seg.labels.spatialShape == auto.labels.spatialShape)
    #expect(seg.logits != auto.logits)  // the click changes the logits near it
    #expect {
      _ = try segment(model, original, classes: [3, 1], points: [[1, 1, 1]], pointLabels: [1], options: o)
    } throws: { "\($0)".contains("one class") }
    #expect {
      _ = try segment(model, original, points: [[1, 1, 1]], pointLabels: [], options: o)
    } throws: { "\($0)".contains("point labels") }
  }

  /// A 48×40×32 volume of uniform noise on the model's grid (no preprocessing).
  func noiseVolume(spacing: [Double] = [1.5, 1.5, 1.5]) throws -> Volume {
    var rng = RandomGenerator(seed: 11)
    return try Volume(
      array: Tensor.uniform([1, 48, 40, 32], low: 0, high: 1, using: &rng),
      affine: .diagonal(spacing, origin: [-10, 5, 20]))
  }

  @Test func pointOnlySegmentationLeavesVoxelsOutsideTheClickWindow255() throws {
    let model = VISTA3D(.tiny, seed: 2)
    var o = SegmentOptions(roi: [16, 16, 16])
    o.preprocess = false
    let seg = try segment(model, try noiseVolume(), points: [[30, 10, 9]], pointLabels: [1], options: o)
    let labels = seg.labels.array.scalars
    let computed = labels.indices.filter { labels[$0] != 255 }
    #expect(computed.count == 16 * 16 * 16)  // one 16³ window centred on the click
    // …which is the box [22, 38) × [2, 18) × [1, 17) (MONAI's centred window p − 8 ..< p + 8).
    let (ny, nz) = (40, 32)
    for v in computed {
      let (i, j, k) = (v / (ny * nz), (v / nz) % ny, v % nz)
      #expect((22..<38).contains(i) && (2..<18).contains(j) && (1..<17).contains(k))
    }
    #expect(Set(labels).isSubset(of: [0, 1, 255]))
    #expect(seg.logits.scalars.filter(\.isNaN).count == labels.count - computed.count)

    // Forcing the whole sliding window computes everything.
    o.pointWindow = false
    let whole = try segment(model, try noiseVolume(), points: [[30, 10, 9]], pointLabels: [1], options: o)
    #expect(!whole.labels.array.scalars.contains(255))
  }

  @Test func classSegmentationHasNo255() throws {
    let model = VISTA3D(.tiny, seed: 2)
    var o = SegmentOptions(roi: [16, 16, 16])
    o.preprocess = false
    let seg = try segment(model, try noiseVolume(), classes: [3], options: o)
    #expect(!seg.labels.array.scalars.contains(255))
    #expect(Set(seg.labels.array.scalars).isSubset(of: [0, 3]))
    // Class + click: the class prompt covers the whole volume (point window off by default).
    let both = try segment(model, try noiseVolume(), classes: [3], points: [[30, 10, 9]], pointLabels: [1], options: o)
    #expect(!both.labels.array.scalars.contains(255))
  }

  @Test func segmentFileWrites255WhereThePointWindowDidNotReach() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vista-seg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    // A 3 mm volume: preprocessing resamples it to 1.5 mm, the label map comes back to 3 mm.
    let input = dir.appendingPathComponent("ct.nii.gz")
    var rng = RandomGenerator(seed: 5)
    let hu = Tensor.uniform([1, 40, 36, 24], low: -1000, high: 1000, using: &rng)
    try NIfTI.write(try Volume(array: hu, affine: .diagonal([3, 3, 3])), to: input)
    let output = dir.appendingPathComponent("seg.nii.gz")
    let model = VISTA3D(.tiny, seed: 2)
    let written = try segmentFile(
      input.path, output.path, model: model, points: [[20, 18, 12]], pointLabels: [1],
      options: SegmentOptions(roi: [32, 32, 32]))
    let back = try NIfTI.read(output)
    #expect(back.spatialShape == [40, 36, 24])
    #expect(back.array == written.array)
    let values = back.array.scalars
    let notComputed = values.filter { $0 == 255 }.count
    // A 32³ window at 1.5 mm covers ~16³ voxels at 3 mm around the click; everything else is 255.
    #expect(notComputed > values.count / 2 && notComputed < values.count)
    #expect(values[(20 * 36 + 18) * 24 + 12] != 255)  // the click's voxel was computed
    #expect(values[0] == 255 && values[values.count - 1] == 255)
    // A class prompt computes the whole volume.
    let auto = try segmentFile(
      input.path, output.path, model: model, classes: [3], options: SegmentOptions(roi: [32, 32, 32]))
    #expect(!auto.array.scalars.contains(255))
  }

  @Test func postProcessMapsNotComputedVoxelsTo255() throws {
    let nan = Float.nan
    let one = try vistaPostProcess(try Tensor(shape: [1, 4], scalars: [1, -1, nan, 0]), labelPrompt: [3])
    #expect(one.scalars == [3, 0, 255, 0])
    let two = try vistaPostProcess(
      try Tensor(shape: [2, 4], scalars: [1, -1, nan, nan, 2, -3, nan, 0.5]), labelPrompt: [3, 6])
    #expect(two.scalars == [6, 0, 255, 6])
  }
}
