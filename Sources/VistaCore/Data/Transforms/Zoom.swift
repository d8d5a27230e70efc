import Foundation

/// MONAI's Zoom with keep_size: resizes by `zoom` per axis (torch `interpolate`, "area" = adaptive average
/// pooling for images, "nearest" for labels), then centre-crops or edge-pads back to the input size.
public struct Zoom: Transform {
  /// Zoom factor per spatial axis (one value = all axes); > 1 magnifies.
  public var zoom: [Double]
  /// area (images) or nearest (labels).
  public var mode: ZoomMode

  /// The interpolation of a zoom.
  public enum ZoomMode: String, Sendable {
    /// torch "area" (adaptive average pooling), MONAI's default.
    case area
    /// torch "nearest" (floor of i · in / out in Float32).
    case nearest
  }

  /// A zoom that keeps the spatial size (MONAI's keep_size = true, padding_mode "edge").
  public init(zoom: [Double], mode: ZoomMode = .area) {
    self.zoom = zoom
    self.mode = mode
  }

  public func callAsFunction(_ volume: Volume) throws -> Volume {
    let z = zoom.count == 1 ? [zoom[0], zoom[0], zoom[0]] : zoom
    guard z.count == 3, z.allSatisfy({ $0 > 0 }) else {
      throw VistaError("zoom: need 1 or 3 positive factors, got \(zoom)")
    }
    let inShape = volume.spatialShape
    let outShape = (0..<3).map { Int((Double(inShape[$0]) * z[$0]).rounded(.down)) }
    guard outShape.allSatisfy({ $0 > 0 }) else {
      throw VistaError("zoom: factors \(z) shrink \(formatShape(inShape)) to nothing")
    }
    // Resize axis by axis (area pooling is separable; nearest picks per axis).
    var a = volume.array
    for axis in 0..<3 where outShape[axis] != inShape[axis] {
      a = resizeAxis(a, axis: axis + 1, to: outShape[axis], nearest: mode == .nearest)
    }
    // MONAI's scale_affine (centred) for the resized grid.
    var scale = Affine.identity
    for d in 0..<3 where outShape[d] != inShape[d] {
      let s = Double(inShape[d]) / Double(max(outShape[d], 1))
      scale[d, d] = s
      scale[d, 3] = (s - 1) / 2
    }
    let resized = volume.with(array: a, affine: volume.affine * scale, dtype: "float32")
    if outShape == inShape { return resized }
    // ResizeWithPadOrCrop: CenterSpatialCrop (start = n // 2 − size // 2), then symmetric edge padding.
    let start = (0..<3).map { outShape[$0] > inShape[$0] ? outShape[$0] / 2 - inShape[$0] / 2 : 0 }
    let cropEnd = (0..<3).map {
      outShape[$0] > inShape[$0] ? start[$0] + inShape[$0] : outShape[$0]
    }
    let cropped = cropOrPad(resized, start: start, end: cropEnd)
    let cs = cropped.spatialShape
    let before = (0..<3).map { inShape[$0] > cs[$0] ? (inShape[$0] - cs[$0]) / 2 : 0 }
    return edgePad(cropped, before: before, to: inShape)
  }

  public var description: String { "Zoom(zoom=\(zoom), mode=\"\(mode.rawValue)\", keep_size=true)" }
}

/// Pads x [C, X, Y, Z] to `shape` by replicating edge voxels, `before` voxels at the start of each axis.
func edgePad(_ v: Volume, before: [Int], to shape: [Int]) -> Volume {
  let s = v.spatialShape
  if s == shape { return v }
  let nc = v.channels
  let out = Tensor(shape: [nc] + shape) { dst in
    v.array.withUnsafeBufferPointer { src in
      for c in 0..<nc {
        for x in 0..<shape[0] {
          let sx = min(max(x - before[0], 0), s[0] - 1)
          for y in 0..<shape[1] {
            let sy = min(max(y - before[1], 0), s[1] - 1)
            let o = ((c * shape[0] + x) * shape[1] + y) * shape[2]
            let i = ((c * s[0] + sx) * s[1] + sy) * s[2]
            for z in 0..<shape[2] { dst[o + z] = src[i + min(max(z - before[2], 0), s[2] - 1)] }
          }
        }
      }
    }
  }
  return v.with(array: out, affine: v.affine * Affine.translation(before.map { -Double($0) }))
}

/// Resizes one axis of x [C, X, Y, Z] (axis 1...3) to `m`: adaptive average pooling, or torch nearest.
func resizeAxis(_ x: Tensor, axis: Int, to m: Int, nearest: Bool) -> Tensor {
  var shape = x.shape
  let n = shape[axis]
  shape[axis] = m
  let stride = shape[(axis + 1)...].reduce(1, *)
  let outer = shape[..<axis].reduce(1, *)
  let scale = Float(n) / Float(m)
  return Tensor(shape: shape) { dst in
    x.withUnsafeBufferPointer { src in
      for o in 0..<outer {
        for i in 0..<m {
          let out = dst.baseAddress! + (o * m + i) * stride
          if nearest {
            let j = min(Int((Float(i) * scale).rounded(.down)), n - 1)
            let row = src.baseAddress! + (o * n + j) * stride
            for r in 0..<stride { out[r] = row[r] }
            continue
          }
          let lo = (i * n) / m
          let hi = ((i + 1) * n + m - 1) / m
          for r in 0..<stride { out[r] = 0 }
          for j in lo..<hi {
            let row = src.baseAddress! + (o * n + j) * stride
            for r in 0..<stride { out[r] += row[r] }
          }
          let inv = Float(hi - lo)
          for r in 0..<stride { out[r] /= inv }
        }
      }
    }
  }
}

/// MONAI's RandZoom: with probability `prob` zooms image (area) and label (nearest) by one factor drawn from
/// [minZoom, maxZoom], keeping the size.
public struct RandZoom: CaseTransform {
  public var prob: Double, minZoom: Double, maxZoom: Double

  /// MONAI's defaults: prob 0.1, zoom 0.9–1.1.
  public init(prob: Double = 0.1, minZoom: Double = 0.9, maxZoom: Double = 1.1) {
    (self.prob, self.minZoom, self.maxZoom) = (prob, minZoom, maxZoom)
  }

  public func apply(_ c: Case, using rng: inout RandomGenerator) throws -> Case {
    guard rng.nextDouble() < prob else { return c }
    let z = minZoom + (maxZoom - minZoom) * rng.nextDouble()
    var c = c
    c.image = try Zoom(zoom: [z], mode: .area)(c.image)
    if let l = c.label { c.label = try Zoom(zoom: [z], mode: .nearest)(l) }
    return c
  }

  public var description: String {
    "RandZoom(prob=\(prob), min_zoom=\(minZoom), max_zoom=\(maxZoom))"
  }
}
