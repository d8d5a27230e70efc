/// Port of MONAI's `point_based_window_inferer` (VISTA3D inference with clicks) without the model.
///
/// image: `[1, C, D0, D1, D2]`; points: click coordinates (voxel indices, one `[x0, x1, x2]` per click)
/// of one object. Axes shorter than the roi are zero-padded (half before) and the clicks shifted.
/// For every click from `pointStart` on, a window of `roi` centred on the click (clamped into the
/// image) is predicted; with `centerOnly: false` two more windows per axis reach `roi − margin` to
/// either side (3×3×3 windows per click). `predictor(patch, window, clicks)` receives the patch
/// `[1, C, w0, w1, w2]`, the window's ranges and all clicks, both in padded coordinates, and returns
/// `[1, K, w0, w1, w2]`. Windows are `roi` wide except where MONAI's arithmetic makes them smaller:
/// the centred window for an odd roi (`p − roi/2 ..< p + roi/2`), and side windows whose start goes
/// negative near a border (Python slice semantics: counted from the end, often empty). Empty windows
/// are skipped (MONAI calls the network on an empty patch and adds nothing).
///
/// As in MONAI, overlapping window outputs are **summed** (the divisor is a 0/1 coverage mask), and
/// voxels no window covers are NaN — or taken from `previousMask` `[1, K, D0, D1, D2]` when given.
/// Returns `[1, K, D0, D1, D2]`.
public func pointWindowInference(
  _ image: Tensor, roi: [Int], points: [[Float]], pointStart: Int = 0, centerOnly: Bool = true,
  margin: Int = 5, previousMask: Tensor? = nil,
  predictor: (_ patch: Tensor, _ window: [Range<Int>], _ clicks: [[Float]]) throws -> Tensor
) throws -> Tensor {
  guard image.rank == 5, image.shape[0] == 1, image.count > 0 else {
    throw VistaError.badShape("pointWindowInference", image.shape, expected: "an image [1, C, D, H, W]")
  }
  guard roi.count == 3, roi.allSatisfy({ $0 > 0 }) else {
    throw VistaError("pointWindowInference: roi needs 3 positive sizes, got \(formatShape(roi))")
  }
  guard points.allSatisfy({ $0.count == 3 }) else {
    throw VistaError("pointWindowInference: every point needs 3 coordinates")
  }
  let channels = image.shape[1]
  let original = Array(image.shape[2...])
  if let previousMask, previousMask.rank != 5 || Array(previousMask.shape[2...]) != original {
    throw VistaError.shapeMismatch(
      "pointWindowInference", previousMask.shape, image.shape,
      expected: "a previous mask [1, K] + the image's spatial size")
  }
  let size = zip(original, roi).map { max($0, $1) }
  let before = zip(original, roi).map { s, r in max(r - s, 0) / 2 }
  let padded = size == original ? image : pad3d(image, to: size, before: before, mode: .constant, cval: 0)

  let clicks = points.map { p in (0..<3).map { p[$0] + Float(before[$0]) } }
  var sum: Tensor? = nil
  var covered = [Bool](repeating: false, count: size.elementCount)
  var k = 0
  for point in points.dropFirst(max(pointStart, 0)) {
    let axes = (0..<3).map { a in
      pointWindowRanges(
        Double(point[a]) + Double(before[a]), roi: roi[a], size: size[a], centerOnly: centerOnly,
        margin: margin)
    }
    for w0 in axes[0] {
      for w1 in axes[1] {
        for w2 in axes[2] where !w0.isEmpty && !w1.isEmpty && !w2.isEmpty {
          let window = [w0, w1, w2]
          let start = window.map(\.lowerBound)
          let extent = window.map(\.count)
          var patch = Tensor(zeros: [1, channels] + extent)
          extract(padded, size: size, image: 0, start: start, roi: extent, into: &patch, at: 0)
          let out = try predictor(patch, window, clicks)
          guard out.rank == 5, out.shape[0] == 1, Array(out.shape[2...]) == extent, out.shape[1] > 0 else {
            throw VistaError.badShape(
              "pointWindowInference predictor", out.shape,
              expected: "an output [1, K] + window \(formatShape(extent))")
          }
          if sum == nil {
            k = out.shape[1]
            sum = Tensor(zeros: [1, k] + size)
          } else if out.shape[1] != k {
            throw VistaError(
              "pointWindowInference: the predictor returned \(out.shape[1]) channels after \(k)")
          }
          accumulate(
            into: &sum!, size: size, channels: k, start: start, patch: out, patchIndex: 0, weights: nil)
          for i in w0 {
            for j in w1 { for l in w2 { covered[(i * size[1] + j) * size[2] + l] = true } }
          }
        }
      }
    }
  }
  guard var result = sum else {
    throw VistaError(
      "pointWindowInference: no click from pointStart \(pointStart) on, so no window was predicted")
  }
  let n = size.elementCount
  let prev = previousMask.map { $0.shape[1] == k ? $0 : nil } ?? nil
  if previousMask != nil && prev == nil {
    throw VistaError(
      "pointWindowInference: previous mask has \(previousMask!.shape[1]) channels, output has \(k)")
  }
  let paddedPrev = prev.map {
    size == original ? $0 : pad3d($0, to: size, before: before, mode: .constant, cval: 0)
  }
  result.withUnsafeMutableBufferPointer { rb in
    for c in 0..<k {
      for v in 0..<n where !covered[v] {
        rb[c * n + v] = paddedPrev.map { $0.scalars[c * n + v] } ?? .nan
      }
    }
  }
  return size == original ? result : crop3d(result, from: size, to: original, before: before)
}

/// MONAI's `_get_window_idx` on one axis: the centred window, plus (unless `centerOnly`) the windows
/// reaching `roi − margin` to the left and right of the click. `p` is in padded coordinates.
func pointWindowRanges(_ p: Double, roi: Int, size: Int, centerOnly: Bool, margin: Int) -> [Range<Int>] {
  let half = roi / 2
  let centre: Range<Int>
  if p - Double(half) < 0 {
    centre = 0..<roi
  } else if p + Double(half) > Double(size) {
    centre = (size - roi)..<size
  } else {
    centre = (Int(p) - half)..<(Int(p) + half)
  }
  if centerOnly { return [centre] }
  let leftMost = max(0, p - Double(roi) + Double(margin))
  let rightMost = min(Double(size), p + Double(roi) - Double(margin))
  return [
    pythonSlice(Int(leftMost), Int(leftMost + Double(roi)), size),
    pythonSlice(Int(rightMost - Double(roi)), Int(rightMost), size), centre,
  ]
}

/// The indices Python's `slice(start, stop)` selects on an axis of `size` (negative = from the end).
func pythonSlice(_ start: Int, _ stop: Int, _ size: Int) -> Range<Int> {
  let s = min(max(start < 0 ? start + size : start, 0), size)
  let e = min(max(stop < 0 ? stop + size : stop, 0), size)
  return s..<max(s, e)
}
