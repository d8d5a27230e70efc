/// Instance normalisation kernels over planes: x [N, C, V] with V the flattened spatial size.
///
/// Forward, per plane (n, c), in two sweeps over memory:
///   1. statistics: Σ(x − K) and Σ(x − K)² with K = x[0] (a shift that keeps the sums well
///      conditioned), 8 Float lanes per block of 1024, blocks accumulated in Double;
///      mean = K + S₁/V, biased var = S₂/V − (S₁/V)², rstd = 1/√(var + eps);
///   2. y = act(x · a + b) with a = rstd · w[c], b = bias[c] − mean · a (large planes, or
///      fewer planes than cores, are split across the cores sweep by sweep).
/// Backward recomputes the pre-activation from x (no mask is stored) in two sweeps:
///   1. ĝ = g · act′(pre); S_g = Σ ĝ, S_gx̂ = Σ ĝ x̂ with x̂ = (x − mean) · rstd;
///   2. dx = w rstd (ĝ − S_g/V − x̂ S_gx̂/V), written as dx = A ĝ + B (x − mean) + C.
/// dweight[c] = Σₙ S_gx̂, dbias[c] = Σₙ S_g. Planes run in parallel on all cores.

/// The activation fused after a normalisation.
public enum NormActivation: Sendable, Equatable {
  /// No activation.
  case identity
  /// `max(x, 0)`.
  case relu
  /// `x` for positive x, else `slope · x`.
  case leakyReLU(slope: Float)
}

/// Σ(x − k) and Σ(x − k)² over `v` floats: 8 Float lanes per block of 1024, blocks in Double.
@inline(__always)
func shiftedSums(_ x: UnsafePointer<Float>, _ v: Int, shift k: Float) -> (Double, Double) {
  let ks = SIMD8<Float>(repeating: k)
  let raw = UnsafeRawPointer(x)
  var s1 = 0.0
  var s2 = 0.0
  var i = 0
  while i + 8 <= v {
    let end = min(v, i + 1024) & ~7
    var a1 = SIMD8<Float>()
    var a2 = SIMD8<Float>()
    var j = i
    while j < end {
      let d = raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self) - ks
      a1 += d
      a2 += d * d
      j &+= 8
    }
    s1 += Double(a1.sum())
    s2 += Double(a2.sum())
    i = j
  }
  while i < v {
    let d = Double(x[i] - k)
    s1 += d
    s2 += d * d
    i += 1
  }
  return (s1, s2)
}

/// (mean, biased variance) from shifted sums over `v` values.
@inline(__always)
func meanVariance(_ s1: Double, _ s2: Double, shift k: Float, count v: Int) -> (Double, Double) {
  if v == 0 { return (0, 0) }
  let m = s1 / Double(v)
  return (Double(k) + m, max(0, s2 / Double(v) - m * m))
}

/// `y = act(x · a + b)` over `v` floats.
@inline(__always)
func affineActivation(
  _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ v: Int, _ a: Float, _ b: Float,
  _ act: NormActivation
) {
  let raw = UnsafeRawPointer(x)
  let out = UnsafeMutableRawPointer(y)
  let va = SIMD8<Float>(repeating: a)
  let vb = SIMD8<Float>(repeating: b)
  var i = 0
  switch act {
  case .identity:
    while i + 8 <= v {
      let r = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self) * va + vb
      out.storeBytes(of: r, toByteOffset: i &* 4, as: SIMD8<Float>.self)
      i &+= 8
    }
    while i < v { y[i] = x[i] * a + b; i += 1 }
  case .relu:
    let zero = SIMD8<Float>()
    while i + 8 <= v {
      var r = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self) * va + vb
      r.replace(with: zero, where: r .< zero)
      out.storeBytes(of: r, toByteOffset: i &* 4, as: SIMD8<Float>.self)
      i &+= 8
    }
    while i < v { let r = x[i] * a + b; y[i] = r < 0 ? 0 : r; i += 1 }
  case .leakyReLU(let slope):
    let zero = SIMD8<Float>()
    while i + 8 <= v {
      var r = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self) * va + vb
      r.replace(with: r * slope, where: r .<= zero)
      out.storeBytes(of: r, toByteOffset: i &* 4, as: SIMD8<Float>.self)
      i &+= 8
    }
    while i < v { let r = x[i] * a + b; y[i] = r > 0 ? r : r * slope; i += 1 }
  }
}

/// Planes of at least this many floats are each split across all cores (both sweeps), so the
/// data a sweep re-reads stays in the shared L3; smaller planes run one per core.
let instanceNormSplitPlane = 1 << 20

/// Whether `instanceNormForward/Backward` split each plane across cores.
func instanceNormSplits(planes: Int, v: Int) -> Bool {
  parallelWorkers > 1 && (v >= instanceNormSplitPlane || (planes < parallelWorkers && v >= 1 << 14))
}

/// Chunk `i` of `parts` equal, 8-aligned pieces of `0..<v`.
@inline(__always)
func planeChunk(_ i: Int, of parts: Int, _ v: Int) -> Range<Int> {
  let step = ((v + parts - 1) / parts + 7) & ~7
  return min(v, i * step)..<min(v, (i + 1) * step)
}

/// Forward over `n·c` planes of `v` floats: writes y, and the per-plane mean and rstd.
///
/// x, y: [N, C, V]; weight, bias: [C] or nil (1 and 0); mean, rstd: [N·C]. `split` forces (or
/// forbids) splitting planes across cores; nil decides by size.
func instanceNormForward(
  y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
  x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
  n: Int, c: Int, v: Int, eps: Float, activation: NormActivation, split: Bool? = nil
) {
  func finish(_ plane: Int, _ s1: Double, _ s2: Double, _ k: Float) -> (Float, Float) {
    let (m, variance) = meanVariance(s1, s2, shift: k, count: v)
    let r = 1 / (variance + Double(eps)).squareRoot()
    mean[plane] = Float(m)
    rstd[plane] = Float(r)
    // Float arithmetic as PyTorch (alpha = invstd·w, beta = b − mean·alpha); the backward
    // recomputes exactly these to rebuild the activation mask.
    let a = Float(r) * (weight?[plane % c] ?? 1)
    return (a, (bias?[plane % c] ?? 0) - Float(m) * a)
  }
  if split ?? instanceNormSplits(planes: n * c, v: v) {
    let parts = parallelWorkers
    var partial = [(Double, Double)](repeating: (0, 0), count: parts)
    for plane in 0..<(n * c) {
      let xp = x + plane &* v
      let k = v > 0 ? xp[0] : 0
      partial.withUnsafeMutableBufferPointer { acc in
        parallelFor(parts) { i in
          let r = planeChunk(i, of: parts, v)
          acc[i] = shiftedSums(xp + r.lowerBound, r.count, shift: k)
        }
      }
      let (a, b) = finish(plane, partial.reduce(0) { $0 + $1.0 }, partial.reduce(0) { $0 + $1.1 }, k)
      parallelFor(parts) { i in
        let r = planeChunk(i, of: parts, v)
        affineActivation(y + plane &* v + r.lowerBound, xp + r.lowerBound, r.count, a, b, activation)
      }
    }
    return
  }
  parallelFor(n * c) { plane in
    let xp = x + plane &* v
    let k = v > 0 ? xp[0] : 0
    let (s1, s2) = shiftedSums(xp, v, shift: k)
    let (a, b) = finish(plane, s1, s2, k)
    affineActivation(y + plane &* v, xp, v, a, b, activation)
  }
}

/// ĝ = g · act′(x · a + b) for one SIMD lane group.
@inline(__always)
func maskedGrad(
  _ g: SIMD8<Float>, _ x: SIMD8<Float>, _ va: SIMD8<Float>, _ vb: SIMD8<Float>, _ act: NormActivation
) -> SIMD8<Float> {
  switch act {
  case .identity: return g
  case .relu:
    var r = g
    r.replace(with: SIMD8<Float>(), where: x * va + vb .<= SIMD8<Float>())
    return r
  case .leakyReLU(let slope):
    var r = g
    r.replace(with: g * slope, where: x * va + vb .<= SIMD8<Float>())
    return r
  }
}

/// Scalar form of `maskedGrad`.
@inline(__always)
func maskedGrad(_ g: Float, _ x: Float, _ a: Float, _ b: Float, _ act: NormActivation) -> Float {
  switch act {
  case .identity: return g
  case .relu: return x * a + b > 0 ? g : 0
  case .leakyReLU(let slope): return x * a + b > 0 ? g : g * slope
  }
}

/// Backward sweep 1 over `v` floats: (Σ ĝ, Σ ĝ (x − m)) with ĝ = g · act′(x · a + b).
@inline(__always)
func normGradSums(
  _ gp: UnsafePointer<Float>, _ xp: UnsafePointer<Float>, _ v: Int, m: Float, a: Float, b: Float,
  _ activation: NormActivation
) -> (Double, Double) {
  let va = SIMD8<Float>(repeating: a)
  let vb = SIMD8<Float>(repeating: b)
  let vm = SIMD8<Float>(repeating: m)
  let rx = UnsafeRawPointer(xp)
  let rg = UnsafeRawPointer(gp)
  var s1 = 0.0
  var s2 = 0.0
  var i = 0
  while i + 8 <= v {
    let end = min(v, i + 1024) & ~7
    var a1 = SIMD8<Float>()
    var a2 = SIMD8<Float>()
    var j = i
    while j < end {
      let xv = rx.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
      let gv = maskedGrad(rg.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self), xv, va, vb, activation)
      a1 += gv
      a2 += gv * (xv - vm)
      j &+= 8
    }
    s1 += Double(a1.sum())
    s2 += Double(a2.sum())
    i = j
  }
  while i < v {
    let gv = maskedGrad(gp[i], xp[i], a, b, activation)
    s1 += Double(gv)
    s2 += Double(gv) * Double(xp[i] - m)
    i += 1
  }
  return (s1, s2)
}

/// Backward sweep 2 over `v` floats: dx = A ĝ + B (x − m) + C.
@inline(__always)
func normInputGrad(
  _ dp: UnsafeMutablePointer<Float>, _ gp: UnsafePointer<Float>, _ xp: UnsafePointer<Float>, _ v: Int,
  m: Float, a: Float, b: Float, coef: (Float, Float, Float), _ activation: NormActivation
) {
  let (A, B, C) = coef
  let va = SIMD8<Float>(repeating: a)
  let vb = SIMD8<Float>(repeating: b)
  let vm = SIMD8<Float>(repeating: m)
  let vA = SIMD8<Float>(repeating: A)
  let vB = SIMD8<Float>(repeating: B)
  let vC = SIMD8<Float>(repeating: C)
  let rx = UnsafeRawPointer(xp)
  let rg = UnsafeRawPointer(gp)
  let rd = UnsafeMutableRawPointer(dp)
  var i = 0
  while i + 8 <= v {
    let xv = rx.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
    let gv = maskedGrad(rg.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self), xv, va, vb, activation)
    rd.storeBytes(of: vA * gv + vB * (xv - vm) + vC, toByteOffset: i &* 4, as: SIMD8<Float>.self)
    i &+= 8
  }
  while i < v {
    let gv = maskedGrad(gp[i], xp[i], a, b, activation)
    dp[i] = A * gv + B * (xp[i] - m) + C
    i += 1
  }
}

/// Backward over `n·c` planes: dx (optional) and per-plane sums for the affine gradients.
///
/// dy, x, dx: [N, C, V]; mean, rstd: [N·C] from the forward; sumG, sumGXhat: [N·C] outputs
/// (Σ ĝ and Σ ĝ x̂ per plane, reduced over N by the caller for dbias and dweight).
func instanceNormBackward(
  dx: UnsafeMutablePointer<Float>?, sumG: UnsafeMutablePointer<Float>,
  sumGXhat: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, x: UnsafePointer<Float>,
  mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, weight: UnsafePointer<Float>?,
  bias: UnsafePointer<Float>?, n: Int, c: Int, v: Int, activation: NormActivation, split: Bool? = nil
) {
  /// The plane's pre-activation affine (a, b) and, after sweep 1, the dx coefficients.
  func affine(_ plane: Int) -> (Float, Float) {
    let a = rstd[plane] * (weight?[plane % c] ?? 1)
    return (a, (bias?[plane % c] ?? 0) - mean[plane] * a)
  }
  func coefficients(_ plane: Int, _ sg: Double, _ sgxm: Double) -> (Float, Float, Float) {
    let r = Double(rstd[plane])
    let sgx = sgxm * r
    sumG[plane] = Float(sg)
    sumGXhat[plane] = Float(sgx)
    let ca = Double(weight?[plane % c] ?? 1) * r
    return (Float(ca), Float(-ca * r * sgx / Double(v)), Float(-ca * sg / Double(v)))
  }
  if split ?? instanceNormSplits(planes: n * c, v: v) {
    let parts = parallelWorkers
    var partial = [(Double, Double)](repeating: (0, 0), count: parts)
    for plane in 0..<(n * c) {
      let (a, b) = affine(plane)
      let m = mean[plane]
      let xp = x + plane &* v
      let gp = dy + plane &* v
      partial.withUnsafeMutableBufferPointer { acc in
        parallelFor(parts) { i in
          let r = planeChunk(i, of: parts, v)
          acc[i] = normGradSums(gp + r.lowerBound, xp + r.lowerBound, r.count, m: m, a: a, b: b, activation)
        }
      }
      let coef = coefficients(plane, partial.reduce(0) { $0 + $1.0 }, partial.reduce(0) { $0 + $1.1 })
      guard let dx else { continue }
      parallelFor(parts) { i in
        let r = planeChunk(i, of: parts, v)
        normInputGrad(
          dx + plane &* v + r.lowerBound, gp + r.lowerBound, xp + r.lowerBound, r.count, m: m, a: a, b: b,
          coef: coef, activation)
      }
    }
    return
  }
  parallelFor(n * c) { plane in
    let (a, b) = affine(plane)
    let m = mean[plane]
    let xp = x + plane &* v
    let gp = dy + plane &* v
    let (sg, sgxm) = normGradSums(gp, xp, v, m: m, a: a, b: b, activation)
    let coef = coefficients(plane, sg, sgxm)
    guard let dx else { return }
    normInputGrad(dx + plane &* v, gp, xp, v, m: m, a: a, b: b, coef: coef, activation)
  }
}
