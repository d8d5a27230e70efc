import Foundation

/// MONAI's CropForeground: crops to the bounding box of voxels with value > `threshold` (any channel).
///
/// `margin` widens the box per side. With `allowSmaller` false (MONAI's default) a margin reaching past the
/// border pads with zeros; with true the box is clipped to the image. No foreground gives an empty volume,
/// as MONAI. `boundingBox` exposes the box so a case can crop image and label alike.
public struct CropForeground: Transform {
  /// Foreground is `value > threshold` (MONAI's default select_fn is `x > 0`).
  public var threshold: Float
  /// Voxels added around the box per axis.
  public var margin: [Int]
  /// Clip the box to the image instead of padding.
  public var allowSmaller: Bool

  /// MONAI's defaults: x > 0, margin 0, allow_smaller false.
  public init(threshold: Float = 0, margin: [Int] = [0], allowSmaller: Bool = false) {
    self.threshold = threshold
    self.margin = margin
    self.allowSmaller = allowSmaller
  }

  /// [start, end) per spatial axis of the box MONAI would crop (start may be < 0 or end > size).
  public func boundingBox(_ volume: Volume) throws -> (start: [Int], end: [Int]) {
    guard margin.allSatisfy({ $0 >= 0 }) else {
      throw VistaError("crop_foreground: margin must not be negative, got \(margin)")
    }
    let mg = margin.count == 1 ? [margin[0], margin[0], margin[0]] : margin
    guard mg.count == 3 else {
      throw VistaError("crop_foreground: margin needs 1 or 3 values, got \(margin)")
    }
    let (nc, nx, ny, nz) = (volume.shape[0], volume.shape[1], volume.shape[2], volume.shape[3])
    var lo = [Int.max, Int.max, Int.max]
    var hi = [-1, -1, -1]
    let t = threshold
    volume.array.withUnsafeBufferPointer { b in
      let p = b.baseAddress!
      for c in 0..<nc {
        for x in 0..<nx {
          for y in 0..<ny {
            let row = p + ((c * nx + x) * ny + y) * nz
            var first = -1
            var last = -1
            for z in 0..<nz where row[z] > t {
              if first < 0 { first = z }
              last = z
            }
            if first < 0 { continue }
            lo[0] = min(lo[0], x)
            hi[0] = max(hi[0], x)
            lo[1] = min(lo[1], y)
            hi[1] = max(hi[1], y)
            lo[2] = min(lo[2], first)
            hi[2] = max(hi[2], last)
          }
        }
      }
    }
    if hi[0] < 0 { return ([0, 0, 0], [0, 0, 0]) }
    let size = [nx, ny, nz]
    var start = (0..<3).map { lo[$0] - mg[$0] }
    var end = (0..<3).map { hi[$0] + mg[$0] + 1 }
    if allowSmaller {
      start = start.map { max($0, 0) }
      end = (0..<3).map { min(end[$0], size[$0]) }
    }
    return (start, end)
  }

  public func callAsFunction(_ volume: Volume) throws -> Volume {
    let box = try boundingBox(volume)
    return cropOrPad(volume, start: box.start, end: box.end)
  }

  public var description: String {
    "CropForeground(select=x>\(fmt(Double(threshold))), margin=\(margin.count == 1 ? String(margin[0]) : "\(margin)"), allow_smaller=\(allowSmaller))"
  }
}

/// MONAI's SpatialPad (method "symmetric", constant 0): pads each axis up to `spatialSize`; never crops.
public struct SpatialPad: Transform {
  /// Minimum output size per axis (−1 keeps the axis).
  public var spatialSize: [Int]
  /// Pad value.
  public var value: Float

  /// Pads symmetrically (extra voxel at the end) with `value`.
  public init(spatialSize: [Int], value: Float = 0) {
    self.spatialSize = spatialSize
    self.value = value
  }

  public func callAsFunction(_ volume: Volume) throws -> Volume {
    let want = spatialSize.count == 1 ? Array(repeating: spatialSize[0], count: 3) : spatialSize
    guard want.count == 3 else {
      throw VistaError("spatial_pad: spatial_size needs 1 or 3 values, got \(spatialSize)")
    }
    let shape = volume.spatialShape
    var start = [0, 0, 0]
    var end = shape
    for d in 0..<3 where want[d] > shape[d] {
      let total = want[d] - shape[d]
      start[d] = -(total / 2)
      end[d] = shape[d] + (total - total / 2)
    }
    if start == [0, 0, 0] && end == shape { return volume }
    return cropOrPad(volume, start: start, end: end, value: value)
  }

  public var description: String { "SpatialPad(spatial_size=\(spatialSize))" }
}
