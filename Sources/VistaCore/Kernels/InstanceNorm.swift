/// Instance normalisation kernels over planes: x [N, C, V] with V the flattened spatial size.
///
/// Forward, per plane (n, c), in two sweeps over memory:
///   1. statistics: Σ(x − K) and Σ(x − K)² with K = x[0] (a shift that keeps the sums well
///      conditioned), 8 Float lanes per block of 1024, blocks accumulated in Double;
///      mean = K + S₁/V, biased var = S₂/V − (S₁/V)², rstd = 1/√(var + eps);
///   2. y = act(x · a + b) with a = rstd · w[c], b = bias[c] − mean · a.
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

/// Statistics of one plane: (mean, biased variance) of `v` floats.
@inline(__always)
func planeMeanVariance(_ x: UnsafePointer<Float>, _ v: Int) -> (Double, Double) {
  if v == 0 { return (0, 0) }
  let k = x[0]
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

/// Forward over `n·c` planes of `v` floats: writes y, and the per-plane mean and rstd.
///
/// x, y: [N, C, V]; weight, bias: [C] or nil (1 and 0); mean, rstd: [N·C].
func instanceNormForward(
  y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
  x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
  n: Int, c: Int, v: Int, eps: Float, activation: NormActivation
) {
  parallelFor(n * c) { plane in
    let ch = plane % c
    let xp = x + plane &* v
    let (m, variance) = planeMeanVariance(xp, v)
    let r = 1 / (variance + Double(eps)).squareRoot()
    mean[plane] = Float(m)
    rstd[plane] = Float(r)
    let w = Double(weight?[ch] ?? 1)
    let a = r * w
    let b = Double(bias?[ch] ?? 0) - m * a
    affineActivation(y + plane &* v, xp, v, Float(a), Float(b), activation)
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

/// Backward over `n·c` planes: dx (optional) and per-plane sums for the affine gradients.
///
/// dy, x, dx: [N, C, V]; mean, rstd: [N·C] from the forward; sumG, sumGXhat: [N·C] outputs
/// (Σ ĝ and Σ ĝ x̂ per plane, reduced over N by the caller for dbias and dweight).
func instanceNormBackward(
  dx: UnsafeMutablePointer<Float>?, sumG: UnsafeMutablePointer<Float>,
  sumGXhat: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, x: UnsafePointer<Float>,
  mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, weight: UnsafePointer<Float>?,
  bias: UnsafePointer<Float>?, n: Int, c: Int, v: Int, activation: NormActivation
) {
  parallelFor(n * c) { plane in
    let ch = plane % c
    let xp = x + plane &* v
    let gp = dy + plane &* v
    let m = mean[plane]
    let r = rstd[plane]
    let w = weight?[ch] ?? 1
    let a = r * w
    let b = (bias?[ch] ?? 0) - m * a
    let va = SIMD8<Float>(repeating: a)
    let vb = SIMD8<Float>(repeating: b)
    let vm = SIMD8<Float>(repeating: m)
    let rx = UnsafeRawPointer(xp)
    let rg = UnsafeRawPointer(gp)
    // Sweep 1: S_g and S_g(x − mean); x̂ = (x − mean) · rstd is applied after the sums.
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
    let sg = s1
    let sgx = s2 * Double(r)
    sumG[plane] = Float(sg)
    sumGXhat[plane] = Float(sgx)
    guard let dx else { return }
    // Sweep 2: dx = A ĝ + B (x − mean) + C.
    let dv = Double(v)
    let ca = Double(w) * Double(r)
    let cb = -ca * Double(r) * sgx / dv
    let cc = -ca * sg / dv
    let A = Float(ca)
    let B = Float(cb)
    let C = Float(cc)
    let vA = SIMD8<Float>(repeating: A)
    let vB = SIMD8<Float>(repeating: B)
    let vC = SIMD8<Float>(repeating: C)
    let dp = dx + plane &* v
    let rd = UnsafeMutableRawPointer(dp)
    i = 0
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
}
