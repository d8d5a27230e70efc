import Foundation

/// Sliding-window VISTA3D logits for a whole volume with class and/or point prompts.
///
/// image: `[1, C, X, Y, Z]`; classes: the class prompts (one output channel each); points:
/// `[N, 3]` voxel coordinates of the image for ONE object with `pointLabels` `[N]` (MONAI allows
/// one object per request with points). In every window the clicks are moved into window
/// coordinates and those outside are dropped (MONAI's `update_point_to_patch`); a window without
/// a click runs class prompts only, or yields −9999 when there are none. Runs without gradients.
/// Returns logits `[1, K, X, Y, Z]` with K = classes.count (or 1 for points only).
public func vistaSlidingWindow(
  _ model: VISTA3D, image: Tensor, classes: [Int]?, points: Tensor? = nil, pointLabels: [Int]? = nil,
  options: SlidingWindowOptions, progress: ((Int, Int) -> Void)? = nil
) throws -> Tensor {
  guard image.rank == 5, image.shape[0] == 1 else {
    throw VistaError.badShape("segment", image.shape, expected: "one image [1, C, X, Y, Z]")
  }
  if let classes, classes.isEmpty { throw VistaError("segment: the class list is empty") }
  if let points {
    guard points.rank == 2, points.shape[1] == 3, let pl = pointLabels, pl.count == points.shape[0] else {
      throw VistaError.shapeMismatch(
        "segment points", points.shape, [pointLabels?.count ?? 0], expected: "points [N, 3] and N point labels")
    }
    guard classes == nil || classes!.count == 1 else {
      throw VistaError("segment: clicks prompt one object; give one class with points (got \(classes!.count))")
    }
  } else if classes == nil {
    throw VistaError("segment: give classes, points, or both")
  }
  let k = classes?.count ?? 1
  let size = Array(image.shape[2...])
  let roi = zip(options.roi, size).map { r, s in r <= 0 ? s : r }
  let padBefore = zip(size, roi).map { s, r in max(r - s, 0) / 2 }
  let channels = image.shape[1]
  let roiCount = roi.elementCount

  return try GradMode.withNoGrad {
    try slidingWindowInference(image, options: options, progress: progress) { patch, starts in
      var outputs = [Float]()
      outputs.reserveCapacity(starts.count * k * roiCount)
      for (n, start) in starts.enumerated() {
        let window = Tensor(shape: [1, channels] + roi) { out in
          patch.withUnsafeBufferPointer { src in
            let base = n * channels * roiCount
            for i in 0..<(channels * roiCount) { out[i] = src[base + i] }
          }
        }
        var prompts: PointPrompts? = nil
        if let points, let pointLabels {
          prompts = try windowPoints(points, pointLabels, start: start, padBefore: padBefore, roi: roi)
        }
        let logits: Tensor
        if classes == nil && prompts == nil {
          logits = Tensor(repeating: VISTA3D.ninf, shape: [1, 1] + roi)
        } else {
          logits = try model(Variable(window), classes: classes, points: prompts).value
        }
        guard logits.count == k * roiCount else {
          throw VistaError.badShape("segment (model output)", logits.shape, expected: "[\(k), 1] + roi")
        }
        outputs += logits.scalars
      }
      return try Tensor(shape: [starts.count, k] + roi, scalars: outputs)
    }
  }
}

/// The clicks inside a window, in window coordinates (MONAI `update_point_to_patch`: strictly
/// inside on every axis); nil when none is.
func windowPoints(_ points: Tensor, _ labels: [Int], start: [Int], padBefore: [Int], roi: [Int]) throws
  -> PointPrompts?
{
  var coords: [Float] = []
  var kept: [Int32] = []
  for i in 0..<labels.count where labels[i] != -1 {
    let p = (0..<3).map { Double(points.scalars[i * 3 + $0]) + Double(padBefore[$0]) - Double(start[$0]) }
    guard (0..<3).allSatisfy({ p[$0] > 0 && Double(roi[$0]) - p[$0] > 0 }) else { continue }
    coords += p.map { Float($0) }
    kept.append(Int32(labels[i]))
  }
  guard !kept.isEmpty else { return nil }
  return try PointPrompts(
    coords: try Tensor(shape: [1, kept.count, 3], scalars: coords),
    labels: try IntTensor(shape: [1, kept.count], scalars: kept))
}

/// Clicks-only VISTA3D logits with MONAI's `point_based_window_inferer` (the bundle's
/// `use_point_window`): one `roi` window centred on each click, the clicks inside a window moved
/// into its coordinates (`update_point_to_patch`), outputs summed where windows overlap, and
/// `VISTA3D.ninf` where no window reaches. A plain sliding window would average the −9999 of
/// click-less windows into the clicked one wherever they overlap and erase the result there.
///
/// image: `[1, C, X, Y, Z]`; points: `[N, 3]` voxel coordinates of ONE object; pointLabels `[N]`.
/// Returns logits `[1, 1, X, Y, Z]`. Runs without gradients.
public func vistaPointWindows(
  _ model: VISTA3D, image: Tensor, points: Tensor, pointLabels: [Int], roi: [Int]
) throws -> Tensor {
  guard points.rank == 2, points.shape[1] == 3, pointLabels.count == points.shape[0] else {
    throw VistaError.shapeMismatch(
      "segment points", points.shape, [pointLabels.count], expected: "points [N, 3] and N point labels")
  }
  let clicks = (0..<pointLabels.count).map { i in (0..<3).map { points.scalars[i * 3 + $0] } }
  let logits = try GradMode.withNoGrad {
    try pointWindowInference(image, roi: roi, points: clicks) { patch, window, padded in
      var coords: [Float] = []
      var kept: [Int32] = []
      for (i, p) in padded.enumerated() where pointLabels[i] != -1 {
        let q = (0..<3).map { p[$0] - Float(window[$0].lowerBound) }
        guard (0..<3).allSatisfy({ q[$0] > 0 && Float(window[$0].count) - q[$0] > 0 }) else { continue }
        coords += q
        kept.append(Int32(pointLabels[i]))
      }
      if kept.isEmpty { return Tensor(repeating: VISTA3D.ninf, shape: [1, 1] + window.map(\.count)) }
      let prompts = try PointPrompts(
        coords: try Tensor(shape: [1, kept.count, 3], scalars: coords),
        labels: try IntTensor(shape: [1, kept.count], scalars: kept))
      return try model(Variable(patch), classes: nil, points: prompts).value
    }
  }
  return logits.map { $0.isNaN ? VISTA3D.ninf : $0 }
}
