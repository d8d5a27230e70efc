import Foundation

/// A case-level transform (MONAI's dictionary transforms): one random draw applied to image and label alike.
public protocol CaseTransform: Sendable, CustomStringConvertible {
  /// Applies the transform to a case.
  func apply(_ c: Case, using rng: inout RandomGenerator) throws -> Case
}

/// MONAI's RandFlip: with probability `prob` flips the listed spatial axes (image and label together).
public struct RandFlip: CaseTransform {
  /// Probability of flipping.
  public var prob: Double
  /// Spatial axes (0, 1, 2) to flip.
  public var spatialAxes: [Int]

  /// MONAI's defaults: prob 0.1, all axes.
  public init(prob: Double = 0.1, spatialAxes: [Int] = [0, 1, 2]) {
    self.prob = prob
    self.spatialAxes = spatialAxes
  }

  public func apply(_ c: Case, using rng: inout RandomGenerator) throws -> Case {
    guard rng.nextDouble() < prob else { return c }
    var c = c
    c.image = try flip(c.image, axes: spatialAxes)
    if let l = c.label { c.label = try flip(l, axes: spatialAxes) }
    return c
  }

  public var description: String { "RandFlip(prob=\(prob), spatial_axis=\(spatialAxes))" }
}

/// Flips spatial axes; the affine follows so world positions are unchanged (MONAI's Flip).
public func flip(_ volume: Volume, axes: [Int]) throws -> Volume {
  guard axes.allSatisfy({ (0..<3).contains($0) }) else {
    throw VistaError("flip: spatial axes must be 0, 1 or 2, got \(axes)")
  }
  let s = volume.spatialShape
  let f = (0..<3).map { axes.contains($0) }
  let nc = volume.channels
  let out = Tensor(shape: volume.shape) { dst in
    volume.array.withUnsafeBufferPointer { src in
      for c in 0..<nc {
        for x in 0..<s[0] {
          let sx = f[0] ? s[0] - 1 - x : x
          for y in 0..<s[1] {
            let sy = f[1] ? s[1] - 1 - y : y
            let o = ((c * s[0] + x) * s[1] + y) * s[2]
            let i = ((c * s[0] + sx) * s[1] + sy) * s[2]
            for z in 0..<s[2] { dst[o + z] = src[i + (f[2] ? s[2] - 1 - z : z)] }
          }
        }
      }
    }
  }
  var m = Affine.identity
  for a in 0..<3 where f[a] {
    m[a, a] = -1
    m[a, 3] = Double(s[a] - 1)
  }
  return volume.with(array: out, affine: volume.affine * m)
}

/// MONAI's RandScaleIntensity: with probability `prob`, x · (1 + f), f ~ U(−factors, factors). Image only.
public struct RandScaleIntensity: CaseTransform, RandomTransform {
  public var factors: Double, prob: Double

  /// E.g. factors 0.1, prob 0.1 (the bundle's values).
  public init(factors: Double, prob: Double = 0.1) { (self.factors, self.prob) = (factors, prob) }

  public func callAsFunction(_ volume: Volume, using rng: inout RandomGenerator) throws -> Volume {
    guard rng.nextDouble() < prob else { return volume }
    let f = Float(1 + (-factors + 2 * factors * rng.nextDouble()))
    return volume.with(array: volume.array.map { $0 * f })
  }

  public func apply(_ c: Case, using rng: inout RandomGenerator) throws -> Case {
    var c = c
    c.image = try self(c.image, using: &rng)
    return c
  }

  public var description: String { "RandScaleIntensity(factors=\(factors), prob=\(prob))  [image]" }
}

/// MONAI's RandShiftIntensity: with probability `prob`, x + o, o ~ U(−offsets, offsets). Image only.
public struct RandShiftIntensity: CaseTransform, RandomTransform {
  public var offsets: Double, prob: Double

  /// E.g. offsets 0.1, prob 0.1 (the bundle's values).
  public init(offsets: Double, prob: Double = 0.1) { (self.offsets, self.prob) = (offsets, prob) }

  public func callAsFunction(_ volume: Volume, using rng: inout RandomGenerator) throws -> Volume {
    guard rng.nextDouble() < prob else { return volume }
    let o = Float(-offsets + 2 * offsets * rng.nextDouble())
    return volume.with(array: volume.array.map { $0 + o })
  }

  public func apply(_ c: Case, using rng: inout RandomGenerator) throws -> Case {
    var c = c
    c.image = try self(c.image, using: &rng)
    return c
  }

  public var description: String { "RandShiftIntensity(offsets=\(offsets), prob=\(prob))  [image]" }
}

/// MONAI's RandGaussianNoise: with probability `prob` adds N(mean, σ²) noise, σ ~ U(0, std). Image only.
public struct RandGaussianNoise: CaseTransform, RandomTransform {
  public var prob: Double, mean: Double, std: Double

  /// MONAI's defaults: prob 0.1, mean 0, std 0.1.
  public init(prob: Double = 0.1, mean: Double = 0, std: Double = 0.1) {
    (self.prob, self.mean, self.std) = (prob, mean, std)
  }

  public func callAsFunction(_ volume: Volume, using rng: inout RandomGenerator) throws -> Volume {
    guard rng.nextDouble() < prob else { return volume }
    let sigma = Float(std * rng.nextDouble())
    let mu = Float(mean)
    var out = volume.array
    out.withUnsafeMutableBufferPointer { b in
      for i in 0..<b.count { b[i] += mu + sigma * rng.nextNormal() }
    }
    return volume.with(array: out)
  }

  public func apply(_ c: Case, using rng: inout RandomGenerator) throws -> Case {
    var c = c
    c.image = try self(c.image, using: &rng)
    return c
  }

  public var description: String {
    "RandGaussianNoise(prob=\(prob), mean=\(mean), std=\(std))  [image]"
  }
}

/// MONAI's RandRotate90: with probability `prob` rotates k·90° (k ~ 1...maxK) in the plane of `spatialAxes`.
public struct RandRotate90: CaseTransform {
  public var prob: Double, maxK: Int
  public var spatialAxes: (Int, Int)

  /// MONAI's defaults: prob 0.1, max_k 3, axes (0, 1).
  public init(prob: Double = 0.1, maxK: Int = 3, spatialAxes: (Int, Int) = (0, 1)) {
    (self.prob, self.maxK, self.spatialAxes) = (prob, maxK, spatialAxes)
  }

  public func apply(_ c: Case, using rng: inout RandomGenerator) throws -> Case {
    guard rng.nextDouble() < prob else { return c }
    let k = rng.nextInt(below: max(1, maxK)) + 1
    var c = c
    c.image = try rotate90(c.image, k: k, axes: spatialAxes)
    if let l = c.label { c.label = try rotate90(l, k: k, axes: spatialAxes) }
    return c
  }

  public var description: String {
    "RandRotate90(prob=\(prob), max_k=\(maxK), spatial_axes=\(spatialAxes))"
  }
}

/// torch.rot90 over two spatial axes, k times (a rotation = flip of axis b, then swap a and b), affine updated.
public func rotate90(_ volume: Volume, k: Int, axes: (Int, Int)) throws -> Volume {
  let (a, b) = axes
  guard a != b, (0..<3).contains(a), (0..<3).contains(b) else {
    throw VistaError("rotate90: spatial axes must be two different values of 0, 1, 2, got \(axes)")
  }
  var v = volume
  for _ in 0..<((k % 4 + 4) % 4) {
    // rot90 by one step: flip axis b, then transpose a and b
    v = try flip(v, axes: [b])
    var order = [0, 1, 2]
    order.swapAt(a, b)
    v = permuteSpatial(v, order)
  }
  return v
}

/// Output spatial axis j = input axis order[j]; the affine's columns follow.
func permuteSpatial(_ volume: Volume, _ order: [Int]) -> Volume {
  let s = volume.spatialShape
  let inStrides = [s[1] * s[2], s[2], 1]
  let os = order.map { s[$0] }
  let st = order.map { inStrides[$0] }
  let n = s.elementCount
  let nc = volume.channels
  let out = Tensor(shape: [nc] + os) { dst in
    volume.array.withUnsafeBufferPointer { src in
      var o = 0
      for c in 0..<nc {
        for x in 0..<os[0] {
          for y in 0..<os[1] {
            var i = c * n + x * st[0] + y * st[1]
            for _ in 0..<os[2] {
              dst[o] = src[i]
              o += 1
              i += st[2]
            }
          }
        }
      }
    }
  }
  var m = [Double](repeating: 0, count: 16)
  for j in 0..<3 { m[order[j] * 4 + j] = 1 }
  m[15] = 1
  return volume.with(array: out, affine: volume.affine * Affine(unchecked: m))
}
