import Foundation

/// MONAI's GaussianSmooth: separable Gaussian filter per spatial axis, "erf" kernel (truncated at 4σ,
/// not normalised), zero padding, axes filtered in order x, y, z.
public struct GaussianSmooth: Transform {
  /// σ per spatial axis in voxels (one value = all axes).
  public var sigma: [Double]

  /// A smoothing filter; σ in voxels.
  public init(sigma: [Double]) { self.sigma = sigma }

  /// MONAI's `gaussian_1d(σ, truncated: 4, approx: "erf")` in Float32.
  static func kernel(_ sigma: Double) -> [Float] {
    let s = Float(sigma)
    let tail = Int(max(s * 4, 0.5) + 0.5)
    let t = Float(0.70710678) / abs(s)
    return (-tail...tail).map { i in
      let x = Float(i)
      return max(0, 0.5 * (erf(t * (x + 0.5)) - erf(t * (x - 0.5))))
    }
  }

  public func callAsFunction(_ volume: Volume) throws -> Volume {
    let sg = sigma.count == 1 ? [sigma[0], sigma[0], sigma[0]] : sigma
    guard sg.count == 3, sg.allSatisfy({ $0 > 0 }) else {
      throw VistaError("gaussian_smooth: sigma needs 1 or 3 positive values, got \(sigma)")
    }
    var a = volume.array
    for axis in 0..<3 {
      a = convolveAxis(a, kernel: GaussianSmooth.kernel(sg[axis]), axis: axis + 1)
    }
    return volume.with(array: a, dtype: "float32")
  }

  public var description: String { "GaussianSmooth(sigma=\(sigma))" }
}

/// 1-D correlation of x [C, X, Y, Z] along `axis` (1...3) with zero padding ("same" size).
func convolveAxis(_ x: Tensor, kernel: [Float], axis: Int) -> Tensor {
  if kernel.count == 1 && kernel[0] == 1 { return x }
  let shape = x.shape
  let n = shape[axis]
  let stride = shape[(axis + 1)...].reduce(1, *)
  let outer = shape[..<axis].reduce(1, *)
  let tail = kernel.count / 2
  return Tensor(shape: shape) { dst in
    let d = dst.baseAddress!
    x.withUnsafeBufferPointer { src in
      kernel.withUnsafeBufferPointer { kb in
        let s = src.baseAddress!
        let k = kb.baseAddress!
        parallelFor(outer) { o in
          let base = o &* n &* stride
          for i in 0..<n {
            let lo = max(0, i - tail)
            let hi = min(n - 1, i + tail)
            let out = d + (base &+ i &* stride)
            for r in 0..<stride { out[r] = 0 }
            for j in lo...hi {
              let w = k[j &- i &+ tail]
              let inRow = s + (base &+ j &* stride)
              for r in 0..<stride { out[r] += w * inRow[r] }
            }
          }
        }
      }
    }
  }
}

/// MONAI's RandGaussianSmooth: with probability `prob` smooths the image with σ drawn per axis. Image only.
public struct RandGaussianSmooth: CaseTransform, RandomTransform {
  public var sigmaX: ClosedRange<Double>, sigmaY: ClosedRange<Double>, sigmaZ: ClosedRange<Double>
  public var prob: Double

  /// MONAI's defaults: σ ∈ [0.25, 1.5] per axis, prob 0.1.
  public init(
    sigmaX: ClosedRange<Double> = 0.25...1.5, sigmaY: ClosedRange<Double> = 0.25...1.5,
    sigmaZ: ClosedRange<Double> = 0.25...1.5, prob: Double = 0.1
  ) {
    (self.sigmaX, self.sigmaY, self.sigmaZ, self.prob) = (sigmaX, sigmaY, sigmaZ, prob)
  }

  public func callAsFunction(_ volume: Volume, using rng: inout RandomGenerator) throws -> Volume {
    guard rng.nextDouble() < prob else { return volume }
    let s = [sigmaX, sigmaY, sigmaZ].map {
      $0.lowerBound + ($0.upperBound - $0.lowerBound) * rng.nextDouble()
    }
    return try GaussianSmooth(sigma: s)(volume)
  }

  public func apply(_ c: Case, using rng: inout RandomGenerator) throws -> Case {
    var c = c
    c.image = try self(c.image, using: &rng)
    return c
  }

  public var description: String {
    "RandGaussianSmooth(sigma_x=\(sigmaX), sigma_y=\(sigmaY), sigma_z=\(sigmaZ), prob=\(prob))  [image]"
  }
}
