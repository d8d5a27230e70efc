import Foundation

/// How overlapping windows are weighted when their outputs are blended (MONAI's `BlendMode`).
public enum BlendMode: String, Sendable, Codable {
  /// Every voxel of a window weighs 1 (plain averaging).
  case constant
  /// A separable Gaussian centred on the window, σ = sigmaScale·roi per axis.
  case gaussian
}

/// MONAI's `_get_scan_interval`: `int(roi·(1 − overlap))` per axis (at least 1), or the roi
/// itself where the roi equals the image size.
public func slidingWindowScanInterval(imageSize: [Int], roi: [Int], overlap: [Double]) -> [Int] {
  zip(zip(imageSize, roi), overlap).map { sizes, o in
    let (size, r) = sizes
    if r == size { return r }
    let interval = Int(Double(r) * (1 - o))
    return interval > 0 ? interval : 1
  }
}

/// MONAI's `dense_patch_slices`: the start of every window, axis 0 slowest (C order).
///
/// On each axis windows start at 0, interval, 2·interval, … until one reaches the end; the last is
/// shifted back to `size − roi` so no window leaves the image. `imageSize` must be ≥ `roi` (pad first).
public func slidingWindowStarts(imageSize: [Int], roi: [Int], interval: [Int]) -> [[Int]] {
  var perAxis: [[Int]] = []
  for i in imageSize.indices {
    var count = 1
    if interval[i] != 0 {
      let num = Int(ceil(Double(imageSize[i]) / Double(interval[i])))
      if let first = (0..<num).first(where: { $0 * interval[i] + roi[i] >= imageSize[i] }) {
        count = first + 1
      }
    }
    perAxis.append(
      (0..<count).map { idx in
        let start = idx * interval[i]
        return start - max(start + roi[i] - imageSize[i], 0)
      })
  }
  var out: [[Int]] = [[]]
  for axis in perAxis {
    out = out.flatMap { prefix in axis.map { prefix + [$0] } }
  }
  return out
}

/// MONAI's `compute_importance_map` for a window of `roi`: ones, or the Gaussian
/// `Π_i exp(−x_i² / (2σ_i²))` with x_i centred on the window and σ_i = `sigmaScale[i]`·roi_i,
/// clamped below at max(min, 1e-3). Layout: `[r0, r1, r2]`.
public func importanceMap(roi: [Int], mode: BlendMode, sigmaScale: [Double] = [0.125]) throws -> Tensor {
  guard !roi.isEmpty, roi.allSatisfy({ $0 > 0 }) else {
    throw VistaError("importanceMap: roi must be positive on every axis, got \(formatShape(roi))")
  }
  switch mode {
  case .constant:
    return Tensor(repeating: 1, shape: roi)
  case .gaussian:
    let scales = sigmaScale.count == 1 ? Array(repeating: sigmaScale[0], count: roi.count) : sigmaScale
    guard scales.count == roi.count, scales.allSatisfy({ $0 > 0 }) else {
      throw VistaError("importanceMap: sigmaScale needs 1 or \(roi.count) positive values, got \(sigmaScale)")
    }
    var map: [Float] = [1]
    for (n, scale) in zip(roi, scales) {
      let sigma = Double(n) * scale
      let divisor = Float(-2 * sigma * sigma)
      let g: [Float] = (0..<n).map { i in
        let x = Float(-Double(n - 1) / 2 + Double(i))
        return expf(x * x / divisor)
      }
      map = map.flatMap { a in g.map { a * $0 } }
    }
    let floor = max(map.min() ?? 1, 1e-3)
    return try Tensor(shape: roi, scalars: map.map { max($0, floor) })
  }
}
