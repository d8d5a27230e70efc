import TestSupport
import Testing

@testable import VistaCore

private func fixture(_ name: String) throws -> Tensor {
  try NPY.readTensor(Fixtures.golden("train/\(name).npy"))
}

/// train.py point_windows(): `cat([2x + start0 + 0.1·start1, x − 0.01·start2])`.
private func positionPredictor(_ x: Tensor, _ window: [Range<Int>], _ clicks: [[Float]]) throws -> Tensor {
  let (a, b, c) = (Float(window[0].lowerBound), Float(window[1].lowerBound), Float(window[2].lowerBound))
  let first = x.scalars.map { $0 * 2 + a + 0.1 * b }
  let second = x.scalars.map { $0 - 0.01 * c }
  return try Tensor(shape: [1, 2] + Array(x.shape[2...]), scalars: first + second)
}

/// NaN-aware comparison (NaN must match NaN).
private func expectSame(_ a: Tensor, _ b: Tensor, _ label: String) {
  #expect(a.shape == b.shape, "\(label) shape")
  #expect(a.scalars.map(\.isNaN) == b.scalars.map(\.isNaN), "\(label) NaN pattern")
  let keep = b.scalars.indices.filter { !b.scalars[$0].isNaN }
  expectRelativeClose(
    Tensor(keep.map { a.scalars[$0] }), Tensor(keep.map { b.scalars[$0] }), tol: 1e-6, label)
}

@Suite struct PointWindowInferenceTests {
  @Test(arguments: [
    ("pw_center", true, false, 0), ("pw_margin", false, false, 1), ("pw_prev_mask", false, true, 0),
  ])
  func matchesMonai(_ name: String, _ centerOnly: Bool, _ usePrevious: Bool, _ start: Int) throws {
    let image = try fixture("pw_input")
    let pts = try fixture("pw_points")
    let points = (0..<3).map { i in Array(pts.scalars[i * 3..<(i + 1) * 3]) }
    var calls = 0
    let out = try pointWindowInference(
      image, roi: [8, 8, 8], points: points, pointStart: start, centerOnly: centerOnly, margin: 5,
      previousMask: usePrevious ? try fixture("pw_prev") : nil
    ) { x, window, clicks in
      calls += 1
      #expect(clicks[0] == [3, 3, 14])  // axis 1 (size 6) is padded by 1 in front
      return try positionPredictor(x, window, clicks)
    }
    if centerOnly { #expect(calls == 3) } else { #expect(calls > 27 && calls <= 27 * (3 - start)) }
    expectSame(out, try fixture("\(name)_output"), name)
  }

  @Test func windowIndicesFollowMonai() {
    #expect(pointWindowRanges(2, roi: 8, size: 20, centerOnly: true, margin: 5) == [0..<8])
    #expect(pointWindowRanges(18, roi: 8, size: 20, centerOnly: true, margin: 5) == [12..<20])
    #expect(pointWindowRanges(10, roi: 8, size: 20, centerOnly: true, margin: 5) == [6..<14])
    #expect(pointWindowRanges(10, roi: 7, size: 20, centerOnly: true, margin: 5) == [7..<13])
    #expect(
      pointWindowRanges(10, roi: 8, size: 20, centerOnly: false, margin: 5) == [7..<15, 5..<13, 6..<14])
    // right_most − roi = −4 → Python's slice(−4, 4) on 8 voxels is empty.
    #expect(pointWindowRanges(1, roi: 8, size: 8, centerOnly: false, margin: 5) == [0..<8, 4..<4, 0..<8])
  }

  @Test func errors() {
    let image = Tensor(zeros: [1, 1, 4, 4, 4])
    #expect(throws: VistaError.self) {
      try pointWindowInference(image, roi: [2, 2, 2], points: [[1, 1, 1]], pointStart: 1) { x, _, _ in x }
    }
    #expect(throws: VistaError.self) {
      try pointWindowInference(image, roi: [2, 2, 2], points: [[1, 1]]) { x, _, _ in x }
    }
  }
}
