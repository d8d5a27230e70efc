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
  let (headClasses, promptClass) = inferencePrompts(model, classes: classes, withPoints: points != nil)
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
          prompts = try windowPoints(
            points, pointLabels, start: start, padBefore: padBefore, roi: roi, promptClass: promptClass)
        }
        let logits: Tensor
        if headClasses == nil && prompts == nil {
          logits = Tensor(repeating: VISTA3D.ninf, shape: [1, 1] + roi)
        } else {
          logits = try windowLogits(model, window, classes: headClasses, prompts: prompts)
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

/// VISTA3D on one window, as MONAI's forward with `patch_coords`: class prompts and clicks
/// together merge by `connectedComponentsCombine` (not the whole-image `gaussian_combine`); the
/// encoder runs once for both heads.
func windowLogits(_ model: VISTA3D, _ window: Tensor, classes: [Int]?, prompts: PointPrompts?) throws -> Tensor {
  let x = Variable(window)
  guard let classes, let prompts else { return try model(x, classes: classes, points: prompts).value }
  guard classes.count == 1, prompts.coords.shape[0] == 1 else {
    throw VistaError("segment: clicks prompt one object; give one class with points (got \(classes.count))")
  }
  let embedding = try model.embed(x)
  let auto = try model(x, classes: classes, cache: embedding).value
  let point = try model(x, points: prompts, cache: embedding).value
  let n = prompts.coords.shape[1]
  let clicks = (0..<n).map { i in (0..<3).map { prompts.coords.scalars[i * 3 + $0] } }
  return try connectedComponentsCombine(auto, point, clicks: clicks, labels: prompts.labels.scalars.map { Int($0) })
}

/// The class prompts for the class head and the prompt class for the point head, as the VISTA3D
/// bundle's inferer sets them when clicks are given: the class also goes to the point head
/// (`prompt_class`), and a zero-shot class (above `lastSupported`, 132) prompts the point head only.
/// Without clicks the classes go to the class head as they are (a class above 132 is only
/// meaningful there once finetuned; MONAI's inferer would return an empty mask instead).
func inferencePrompts(_ model: VISTA3D, classes: [Int]?, withPoints: Bool) -> (
  head: [Int]?, promptClass: [Int]?
) {
  guard let classes, withPoints else { return (classes, nil) }
  if classes.contains(where: { $0 > model.config.lastSupported }) { return (nil, classes) }
  return (classes, classes)
}

/// The clicks inside a window, in window coordinates (MONAI `update_point_to_patch`: strictly
/// inside on every axis); nil when none is. `promptClass` goes with them to the point head.
func windowPoints(
  _ points: Tensor, _ labels: [Int], start: [Int], padBefore: [Int], roi: [Int], promptClass: [Int]? = nil
) throws -> PointPrompts? {
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
    labels: try IntTensor(shape: [1, kept.count], scalars: kept), promptClass: promptClass)
}

/// VISTA3D logits computed only in `roi` windows centred on the clicks (MONAI's
/// `point_based_window_inferer` with `center_only=True`, the bundle's `use_point_window`).
///
/// image: `[1, C, X, Y, Z]`; points `[N, 3]` voxel coordinates of one object with `pointLabels`
/// `[N]`; classes: nil or one class prompt for that object. Each window sees the clicks inside it
/// (`update_point_to_patch`). Voxels no window covers are NaN ("not computed"; the label map
/// writes 255 there). Runs without gradients. Returns logits `[1, 1, X, Y, Z]`.
public func vistaPointWindow(
  _ model: VISTA3D, image: Tensor, classes: [Int]?, points: Tensor, pointLabels: [Int], roi: [Int]
) throws -> Tensor {
  guard image.rank == 5, image.shape[0] == 1 else {
    throw VistaError.badShape("segment", image.shape, expected: "one image [1, C, X, Y, Z]")
  }
  guard points.rank == 2, points.shape[1] == 3, pointLabels.count == points.shape[0], !pointLabels.isEmpty else {
    throw VistaError.shapeMismatch(
      "segment points", points.shape, [pointLabels.count], expected: "points [N, 3] and N point labels")
  }
  if let classes, classes.count != 1 {
    throw VistaError("segment: clicks prompt one object; give one class with points (got \(classes.count))")
  }
  let (headClasses, promptClass) = inferencePrompts(model, classes: classes, withPoints: true)
  let size = Array(image.shape[2...])
  let window = zip(roi, size).map { r, s in r <= 0 ? s : r }
  let clicks = (0..<points.shape[0]).map { i in (0..<3).map { points.scalars[i * 3 + $0] } }
  let labels = pointLabels
  return try GradMode.withNoGrad {
    try pointWindowInference(image, roi: window, points: clicks) { patch, ranges, padded in
      let flat = try Tensor(shape: [padded.count, 3], scalars: padded.flatMap { $0 })
      let prompts = try windowPoints(
        flat, labels, start: ranges.map(\.lowerBound), padBefore: [0, 0, 0], roi: ranges.map(\.count),
        promptClass: promptClass)
      guard let prompts else {
        // Only reachable when every click in this window is a padding label (−1).
        return Tensor(repeating: VISTA3D.ninf, shape: [1, 1] + ranges.map(\.count))
      }
      return try windowLogits(model, patch, classes: headClasses, prompts: prompts)
    }
  }
}
