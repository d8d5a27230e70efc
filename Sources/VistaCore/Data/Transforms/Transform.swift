import Foundation

/// A deterministic array transform with MONAI semantics: volume (array + affine) in, volume out.
public protocol Transform: Sendable, CustomStringConvertible {
  /// Applies the transform.
  func callAsFunction(_ volume: Volume) throws -> Volume
}

/// A random array transform; draws from the caller's generator.
public protocol RandomTransform: Sendable, CustomStringConvertible {
  /// Applies the transform with random draws from `rng`.
  func callAsFunction(_ volume: Volume, using rng: inout RandomGenerator) throws -> Volume
}

/// How a spatial transform samples: linear interpolation (images) or nearest neighbour (labels).
public enum InterpolationMode: String, Sendable {
  /// Trilinear (MONAI "bilinear").
  case bilinear
  /// Nearest neighbour (round half to even, as grid_sample).
  case nearest
}

/// Copies a box of `volume` (start may be negative, end may exceed the shape) padding with `value`.
///
/// The affine moves with the box start (MONAI's crop and pad shift the origin). Box is [start, end) per axis.
func cropOrPad(_ volume: Volume, start: [Int], end: [Int], value: Float = 0) -> Volume {
  let (nc, nx, ny, nz) = (volume.shape[0], volume.shape[1], volume.shape[2], volume.shape[3])
  let outShape = (0..<3).map { max(0, end[$0] - start[$0]) }
  let (ox, oy, oz) = (outShape[0], outShape[1], outShape[2])
  let out = Tensor(shape: [nc] + outShape) { dst in
    let d = dst.baseAddress!
    volume.array.withUnsafeBufferPointer { srcBuf in
      let s = srcBuf.baseAddress!
      // z range inside the source, common to every row
      let z0 = max(0, -start[2])
      let z1 = min(oz, nz - start[2])
      for c in 0..<nc {
        for x in 0..<ox {
          let sx = x + start[0]
          for y in 0..<oy {
            let sy = y + start[1]
            let o = ((c * ox + x) * oy + y) * oz
            if sx < 0 || sx >= nx || sy < 0 || sy >= ny || z1 <= z0 {
              for z in 0..<oz { d[o + z] = value }
              continue
            }
            for z in 0..<min(z0, oz) { d[o + z] = value }
            let si = ((c * nx + sx) * ny + sy) * nz + start[2]
            for z in z0..<z1 { d[o + z] = s[si + z] }
            for z in max(z1, 0)..<oz { d[o + z] = value }
          }
        }
      }
    }
  }
  let shifted = volume.affine * Affine.translation(start.map(Double.init))
  return volume.with(array: out, affine: shifted)
}
