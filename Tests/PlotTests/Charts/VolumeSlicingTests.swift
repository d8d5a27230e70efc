import Testing

@testable import Plot

/// Radiological display: patient Right on the image's left, Anterior (axial) / Superior
/// (coronal, sagittal) at the top, Anterior on the left in sagittal views.
@Suite struct VolumeSlicingTests {
  /// A [X, Y, Z] volume of zeros with value 1 at `voxel`.
  private func volume(_ shape: [Int], marker v: [Int]) -> [Float] {
    var a = [Float](repeating: 0, count: shape.reduce(1, *))
    a[(v[0] * shape[1] + v[1]) * shape[2] + v[2]] = 1
    return a
  }

  /// Display (col, row) of the single marked voxel found by slicing.
  private func find(_ o: VolumeOrientation, _ vol: [Float], _ plane: SlicePlane, slice: Int) -> (
    Int, Int
  )? {
    let (cols, _, off) = o.sliceOffsets(plane, index: slice)
    guard let i = off.firstIndex(where: { vol[$0] == 1 }) else { return nil }
    return (i % cols, i / cols)
  }

  @Test func axialRASShowsPatientRightOnImageLeftAndAnteriorOnTop() throws {
    let shape = [10, 8, 6]
    let o = try VolumeOrientation(shape: shape)
    // RAS: x = 9 is the patient's far right, y = 7 the most anterior.
    let v = volume(shape, marker: [9, 7, 2])
    let p = try #require(find(o, v, .axial, slice: 2))
    #expect(p == (0, 0))  // top-left
    #expect(o.displayPosition(voxel: [9, 7, 2], plane: .axial) == (0, 0, 2))
    let left = volume(shape, marker: [0, 0, 2])  // patient left, posterior
    #expect(find(o, left, .axial, slice: 2)! == (9, 7))
  }

  @Test func lpsVolumesAreFlippedToTheSameDisplay() throws {
    let shape = [10, 8, 6]
    let o = try VolumeOrientation(shape: shape, axcodes: "LPS")
    // LPS: x = 0 is the patient's far right, y = 0 the most anterior.
    let v = volume(shape, marker: [0, 0, 2])
    #expect(find(o, v, .axial, slice: 2)! == (0, 0))
  }

  @Test func coronalAndSagittalPutSuperiorOnTop() throws {
    let shape = [10, 8, 6]
    let o = try VolumeOrientation(shape: shape)
    let v = volume(shape, marker: [9, 3, 5])  // right, superior
    #expect(find(o, v, .coronal, slice: 3)! == (0, 0))
    let s = volume(shape, marker: [4, 7, 5])  // anterior, superior
    #expect(find(o, s, .sagittal, slice: 4)! == (0, 0))  // anterior on the image's left
    #expect(o.displaySize(.sagittal).cols == 8 && o.displaySize(.sagittal).rows == 6)
  }

  @Test func permutedAxesAreHandled() throws {
    // Array axes (S, R, A): the slice axis for axial views is array axis 0.
    let o = try VolumeOrientation(shape: [6, 10, 8], axcodes: "SRA")
    #expect(o.sliceAxis(.axial) == 0)
    #expect(o.displayPosition(voxel: [2, 9, 7], plane: .axial) == (0, 0, 2))
  }

  @Test func badAxcodesAndShapesAreErrors() {
    #expect(throws: PlotError.self) { try VolumeOrientation(shape: [2, 2, 2], axcodes: "RRS") }
    #expect(throws: PlotError.self) { try VolumeOrientation(shape: [2, 2, 2], axcodes: "XYZ") }
    #expect(throws: PlotError.self) { try VolumeOrientation(shape: [2, 2]) }
    #expect(throws: PlotError.self) {
      try VolumeOrientation(shape: [2, 2, 2], spacing: [1, 0, 1])
    }
  }

  @Test func largestSliceCountsForeground() throws {
    let shape = [4, 4, 5]
    let o = try VolumeOrientation(shape: shape)
    var lab = [Int32](repeating: 0, count: 80)
    for x in 0..<3 { for y in 0..<3 { lab[(x * 4 + y) * 5 + 3] = 1 } }  // 9 voxels at z = 3
    lab[(0 * 4 + 0) * 5 + 1] = 2
    #expect(o.largestSlice(lab, plane: .axial) == 3)
    #expect(o.largestSlice(lab, plane: .axial, classes: [2]) == 1)
    #expect(o.foregroundPerSlice(lab, plane: .coronal) == [4, 3, 3, 0])
    #expect(o.largestSlice([Int32](repeating: 0, count: 80), plane: .axial) == nil)
  }
}
