import Foundation
import Synchronization

/// Port of `vista3d.PositionEmbeddingRandom`: random-Fourier positional encoding of 3-D coordinates.
///
/// `pe(c) = [sin(2π·((2c−1)·G)), cos(2π·((2c−1)·G))]` with the buffer G [3, F] (F = dim/2), so
/// 2F channels: the F sines first. G is random at construction and must come from the checkpoint.
public final class PositionEmbeddingRandom: Module {
  /// The buffer `positional_encoding_gaussian_matrix` [3, F].
  public let gaussianMatrix: Parameter
  /// `gridTokens` of the last grid size, with the buffer values it was computed from (a click
  /// loop or sliding window asks for the same grid every time).
  private let gridCache = Mutex<(size: [Int], g: [Float], tokens: Tensor)?>(nil)

  /// Creates the buffer under `prefix` with `features` = F columns.
  public init(_ prefix: String, features: Int, using rng: inout RandomGenerator) {
    gaussianMatrix = Parameter(
      buffer: key(prefix, "positional_encoding_gaussian_matrix"), normalInit([3, features], using: &rng))
  }

  public var stateEntries: [Parameter] { [gaussianMatrix] }

  /// Encodes normalised coordinates: coords [P, 3] in [0, 1] → [P, 2F].
  func encode(_ coords: [Float], count p: Int) -> Tensor {
    let g = gaussianMatrix.value.scalars
    let f = gaussianMatrix.shape[1]
    let twoPi = Float(2 * Double.pi)
    return Tensor(shape: [p, 2 * f]) { out in
      let o = out.baseAddress!
      coords.withUnsafeBufferPointer { c in
        parallelRanges(p, minChunk: 1024) { rows in
          for i in rows {
            let c0 = 2 * c[i * 3] - 1
            let c1 = 2 * c[i * 3 + 1] - 1
            let c2 = 2 * c[i * 3 + 2] - 1
            for j in 0..<f {
              let proj = twoPi * (c0 * g[j] + c1 * g[f + j] + c2 * g[2 * f + j])
              o[i * 2 * f + j] = sin(proj)
              o[i * 2 * f + f + j] = cos(proj)
            }
          }
        }
      }
    }
  }

  /// The encoding of the voxel-centre grid of size (h, w, d) as tokens: [h·w·d, 2F], row-major (i, j, k)
  /// with k fastest — PyTorch's `forward(size)` [2F, h, w, d] flattened and transposed, as the transformer reads it.
  public func gridTokens(_ h: Int, _ w: Int, _ d: Int) -> Tensor {
    let g = gaussianMatrix.value.scalars
    if let hit = gridCache.withLock({ c in c.flatMap { $0.size == [h, w, d] && $0.g == g ? $0.tokens : nil } }) {
      return hit
    }
    var coords = [Float](repeating: 0, count: h * w * d * 3)
    var i = 0
    for x in 0..<h {
      for y in 0..<w {
        for z in 0..<d {
          coords[i] = (Float(x) + 0.5) / Float(h)
          coords[i + 1] = (Float(y) + 0.5) / Float(w)
          coords[i + 2] = (Float(z) + 0.5) / Float(d)
          i += 3
        }
      }
    }
    let tokens = encode(coords, count: h * w * d)
    gridCache.withLock { $0 = ([h, w, d], g, tokens) }
    return tokens
  }

  /// Encodes voxel coordinates of points: coords [B, N, 3] in a patch of `size` → [B, N, 2F].
  ///
  /// As MONAI: +0.5 to the voxel centre, divided by the full-resolution patch size.
  public func points(_ coords: Tensor, size: [Int]) -> Tensor {
    let b = coords.shape[0]
    let n = coords.shape[1]
    var normalised = [Float](repeating: 0, count: b * n * 3)
    for i in 0..<(b * n) {
      for a in 0..<3 { normalised[i * 3 + a] = (coords.scalars[i * 3 + a] + 0.5) / Float(size[a]) }
    }
    let pe = encode(normalised, count: b * n)
    return Tensor(unchecked: [b, n, pe.shape[1]], pe.scalars)
  }
}
