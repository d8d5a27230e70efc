/// How a volume smaller than the roi is padded (MONAI `padding_mode`).
public enum PaddingMode: String, Sendable, Codable {
  /// Fill with `cval` (MONAI's default).
  case constant
  /// Repeat the edge voxel (the VISTA3D bundle since v0.5.7).
  case replicate
}

/// The settings of MONAI's `sliding_window_inference` that this port supports.
public struct SlidingWindowOptions: Sendable, Equatable {
  /// Window size `[r0, r1, r2]`; a value ≤ 0 means the image's size on that axis.
  public var roi: [Int]
  /// Fraction of overlap between neighbouring windows, per axis (one value = all axes).
  public var overlap: [Double]
  /// Windows passed to the predictor at once.
  public var swBatchSize: Int
  /// Blending of overlapping outputs.
  public var mode: BlendMode
  /// Gaussian σ as a fraction of the roi (gaussian mode only).
  public var sigmaScale: [Double]
  /// Padding when the image is smaller than the roi (half before, the rest after, per axis).
  public var paddingMode: PaddingMode
  /// The constant padding value.
  public var cval: Float

  /// Creates options with MONAI's defaults.
  public init(
    roi: [Int], overlap: [Double] = [0.25], swBatchSize: Int = 1, mode: BlendMode = .constant,
    sigmaScale: [Double] = [0.125], paddingMode: PaddingMode = .constant, cval: Float = 0
  ) {
    self.roi = roi
    self.overlap = overlap
    self.swBatchSize = swBatchSize
    self.mode = mode
    self.sigmaScale = sigmaScale
    self.paddingMode = paddingMode
    self.cval = cval
  }
}

/// Sliding-window inference over a 3-D volume with MONAI's window placement and blending.
///
/// image: `[B, C, D0, D1, D2]`. `predictor(patch, starts)` receives `[n, C, r0, r1, r2]` (n ≤
/// swBatchSize windows, possibly from different images of the batch, in MONAI's order) and the
/// start of each window in the padded image; it returns `[n, K, r0, r1, r2]`. The outputs are
/// weighted by the importance map, summed, divided by the summed weights and cropped back:
/// the result is `[B, K, D0, D1, D2]`. `progress(done, total)` is called after each batch of windows.
public func slidingWindowInference(
  _ image: Tensor, options o: SlidingWindowOptions,
  progress: ((Int, Int) -> Void)? = nil,
  predictor: (_ patch: Tensor, _ starts: [[Int]]) throws -> Tensor
) throws -> Tensor {
  guard image.rank == 5, image.count > 0 else {
    throw VistaError.badShape("slidingWindowInference", image.shape, expected: "an image [B, C, D, H, W]")
  }
  guard o.roi.count == 3 else {
    throw VistaError("slidingWindowInference: roi needs 3 sizes, got \(formatShape(o.roi))")
  }
  let overlap = o.overlap.count == 1 ? Array(repeating: o.overlap[0], count: 3) : o.overlap
  guard overlap.count == 3, overlap.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
    throw VistaError("slidingWindowInference: overlap needs 1 or 3 values in [0, 1), got \(o.overlap)")
  }
  guard o.swBatchSize >= 1 else {
    throw VistaError("slidingWindowInference: swBatchSize must be ≥ 1, got \(o.swBatchSize)")
  }
  let (batch, channels) = (image.shape[0], image.shape[1])
  let original = Array(image.shape[2...])
  let roi = zip(o.roi, original).map { r, s in r <= 0 ? s : r }
  let size = zip(original, roi).map { max($0, $1) }
  let padBefore = zip(original, roi).map { s, r in max(r - s, 0) / 2 }
  let padded =
    size == original ? image : pad3d(image, to: size, before: padBefore, mode: o.paddingMode, cval: o.cval)

  let interval = slidingWindowScanInterval(imageSize: size, roi: roi, overlap: overlap)
  let windows = slidingWindowStarts(imageSize: size, roi: roi, interval: interval)
  let weights = try importanceMap(roi: roi, mode: o.mode, sigmaScale: o.sigmaScale)
  let total = windows.count * batch
  let roiCount = roi.elementCount

  var output: Tensor? = nil
  var outChannels = 0
  var count = Tensor(zeros: size)
  for start in windows {
    accumulate(
      into: &count, size: size, channels: 1, start: start, patch: weights, patchIndex: 0, weights: nil)
  }

  var done = 0
  for first in stride(from: 0, to: total, by: o.swBatchSize) {
    let range = first..<min(first + o.swBatchSize, total)
    var patch = Tensor(zeros: [range.count, channels] + roi)
    for (n, idx) in range.enumerated() {
      extract(
        padded, size: size, image: idx / windows.count, start: windows[idx % windows.count], roi: roi,
        into: &patch, at: n * channels * roiCount)
    }
    let starts = range.map { windows[$0 % windows.count] }
    let seg = try predictor(patch, starts)
    guard seg.rank == 5, seg.shape[0] == range.count, Array(seg.shape[2...]) == roi, seg.shape[1] > 0 else {
      throw VistaError.badShape(
        "slidingWindowInference predictor", seg.shape,
        expected: "an output [\(range.count), K, \(roi.map(String.init).joined(separator: ", "))]"
          + " for a patch \(formatShape(patch.shape))")
    }
    if output == nil {
      outChannels = seg.shape[1]
      output = Tensor(zeros: [batch, outChannels] + size)
    } else if seg.shape[1] != outChannels {
      throw VistaError(
        "slidingWindowInference: the predictor returned \(seg.shape[1]) channels after \(outChannels) before")
    }
    for (n, idx) in range.enumerated() {
      accumulate(
        into: &output!, size: size, channels: outChannels, start: windows[idx % windows.count],
        patch: seg, patchIndex: n, weights: weights, image: idx / windows.count, batch: batch)
    }
    done += range.count
    progress?(done, total)
  }
  var result = output!
  normalise(&result, by: count)
  if size == original { return result }
  return crop3d(result, from: size, to: original, before: padBefore)
}

/// Convenience overload whose predictor ignores the window positions.
public func slidingWindowInference(
  _ image: Tensor, options: SlidingWindowOptions, progress: ((Int, Int) -> Void)? = nil,
  predictor: (_ patch: Tensor) throws -> Tensor
) throws -> Tensor {
  try slidingWindowInference(image, options: options, progress: progress) { patch, _ in try predictor(patch) }
}
