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
}
