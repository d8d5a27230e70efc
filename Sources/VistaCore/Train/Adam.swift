import Foundation

/// Adam (torch.optim.Adam): coupled L2 weight decay added to the gradient.
///
/// The update follows torch's single-tensor path exactly, in Float32 per element with the bias
/// corrections computed in Double:
/// `m ← lerp(m, g, 1−β1)`, `v ← β2·v + (1−β2)·g²`,
/// `p ← p − lr/(1−β1ᵗ) · m / (√v / √(1−β2ᵗ) + eps)`.
public class Adam: Optimizer {
  public let parameters: [Parameter]
  public var lr: Double
  /// Coefficient of the running average of the gradient.
  public var beta1: Double
  /// Coefficient of the running average of the squared gradient.
  public var beta2: Double
  /// Added to the denominator for numerical stability.
  public var eps: Double
  /// L2 penalty (coupled for Adam, decoupled for AdamW).
  public var weightDecay: Double
  /// True for AdamW: `p ← p·(1 − lr·wd)` before the Adam update instead of `g ← g + wd·p`.
  public let decoupledWeightDecay: Bool

  var expAvg: [String: Tensor] = [:]
  var expAvgSq: [String: Tensor] = [:]
  var steps: [String: Int] = [:]

  /// Creates Adam over `parameters` (torch's defaults).
  public init(
    _ parameters: [Parameter], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
    eps: Double = 1e-8, weightDecay: Double = 0, decoupledWeightDecay: Bool = false
  ) throws {
    try checkUniqueNames(parameters, op: decoupledWeightDecay ? "AdamW" : "Adam")
    guard lr >= 0, eps >= 0, weightDecay >= 0, (0..<1).contains(betas.0), (0..<1).contains(betas.1) else {
      throw VistaError(
        "Adam: invalid hyper-parameters lr=\(lr) betas=\(betas) eps=\(eps) weight_decay=\(weightDecay)"
          + " (need lr, eps, weight_decay ≥ 0 and betas in [0, 1))")
    }
    self.parameters = parameters
    self.lr = lr
    self.beta1 = betas.0
    self.beta2 = betas.1
    self.eps = eps
    self.weightDecay = weightDecay
    self.decoupledWeightDecay = decoupledWeightDecay
  }

  var kind: String { decoupledWeightDecay ? "adamw" : "adam" }

  public func step() throws {
    for p in parameters {
      guard let g = try activeGradient(p, op: kind) else { continue }
      let n = p.value.count
      guard n > 0 else { continue }
      var m = expAvg[p.name] ?? Tensor(zeros: p.value.shape)
      var v = expAvgSq[p.name] ?? Tensor(zeros: p.value.shape)
      expAvg[p.name] = nil
      expAvgSq[p.name] = nil  // drop our references so the in-place writes below do not copy
      let t = (steps[p.name] ?? 0) + 1
      steps[p.name] = t
      let c = AdamConstants(
        lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay,
        decoupled: decoupledWeightDecay, step: t)
      p.value.withUnsafeMutableBufferPointer { pv in
        m.withUnsafeMutableBufferPointer { mv in
          v.withUnsafeMutableBufferPointer { vv in
            g.withUnsafeBufferPointer { gv in
              let (pp, mp, vp, gp) = (pv.baseAddress!, mv.baseAddress!, vv.baseAddress!, gv.baseAddress!)
              parallelRanges(n, minChunk: 1 << 16) { r in
                let o = r.lowerBound
                adamUpdate(pp + o, mp + o, vp + o, gp + o, r.count, c)
              }
            }
          }
        }
      }
      expAvg[p.name] = m
      expAvgSq[p.name] = v
    }
  }

  public func stateDict() -> OptimizerState {
    var s = OptimizerState(kind: kind)
    s.scalars = [
      "lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps, "weight_decay": weightDecay,
    ]
    for p in parameters {
      guard let t = steps[p.name] else { continue }
      s.scalars["\(p.name).step"] = Double(t)
      s.tensors["\(p.name).exp_avg"] = expAvg[p.name]
      s.tensors["\(p.name).exp_avg_sq"] = expAvgSq[p.name]
    }
    return s
  }

  public func loadStateDict(_ state: OptimizerState) throws {
    guard state.kind == kind else {
      throw VistaError("loadStateDict: the state is for '\(state.kind)', this optimizer is '\(kind)'")
    }
    var m: [String: Tensor] = [:]
    var v: [String: Tensor] = [:]
    var st: [String: Int] = [:]
    for p in parameters {
      guard let t = state.scalars["\(p.name).step"] else { continue }
      guard let a = state.tensors["\(p.name).exp_avg"], let b = state.tensors["\(p.name).exp_avg_sq"] else {
        throw VistaError("loadStateDict: '\(p.name)' has a step count but no exp_avg/exp_avg_sq")
      }
      try checkBuffer(a, for: p, key: "\(p.name).exp_avg")
      try checkBuffer(b, for: p, key: "\(p.name).exp_avg_sq")
      m[p.name] = a
      v[p.name] = b
      st[p.name] = Int(t)
    }
    let known = Set(parameters.map(\.name))
    for key in state.scalars.keys where key.hasSuffix(".step") {
      let name = String(key.dropLast(5))
      guard known.contains(name) else {
        throw VistaError(
          "loadStateDict: the state has '\(name)', which is not one of this optimizer's parameters")
      }
    }
    expAvg = m
    expAvgSq = v
    steps = st
    lr = state.scalars["lr"] ?? lr
    beta1 = state.scalars["beta1"] ?? beta1
    beta2 = state.scalars["beta2"] ?? beta2
    eps = state.scalars["eps"] ?? eps
    weightDecay = state.scalars["weight_decay"] ?? weightDecay
  }
}

/// AdamW (torch.optim.AdamW): Adam with decoupled weight decay, default 0.01.
public final class AdamW: Adam {
  /// Creates AdamW over `parameters` (torch's defaults).
  public init(
    _ parameters: [Parameter], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
    eps: Double = 1e-8, weightDecay: Double = 1e-2
  ) throws {
    try super.init(
      parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, decoupledWeightDecay: true)
  }
}

/// The per-step scalars of one Adam update, rounded to Float32 where torch rounds them.
struct AdamConstants {
  var decay: Float  // 1 − lr·wd (decoupled), applied to p
  var l2: Float  // wd (coupled), added to g
  var decoupled: Bool
  var hasDecay: Bool
  var lerpWeight: Float  // 1 − β1
  var beta2: Float
  var oneMinusBeta2: Float
  var biasCorrection2Sqrt: Float
  var negStepSize: Float
  var eps: Float

  init(lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, decoupled: Bool, step: Int)
  {
    let bc1 = 1 - pow(beta1, Double(step))
    let bc2 = 1 - pow(beta2, Double(step))
    self.decay = Float(1 - lr * weightDecay)
    self.l2 = Float(weightDecay)
    self.decoupled = decoupled
    self.hasDecay = weightDecay != 0
    self.lerpWeight = Float(1 - beta1)
    self.beta2 = Float(beta2)
    self.oneMinusBeta2 = Float(1 - beta2)
    self.biasCorrection2Sqrt = Float(bc2.squareRoot())
    self.negStepSize = Float(-(lr / bc1))
    self.eps = Float(eps)
  }
}

/// One Adam update of `n` elements in place: p, m (exp_avg), v (exp_avg_sq) from gradient g.
func adamUpdate(
  _ p: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
  _ g: UnsafePointer<Float>, _ n: Int, _ c: AdamConstants
) {
  // Branch-free loops per case (the flags are constants after inlining, so each loop vectorises).
  let low = c.lerpWeight < 0.5
  switch (c.hasDecay, c.decoupled, low) {
  case (false, _, true): adamLoop(p, m, v, g, n, c, decay: 0, lowWeight: true)
  case (false, _, false): adamLoop(p, m, v, g, n, c, decay: 0, lowWeight: false)
  case (true, true, true): adamLoop(p, m, v, g, n, c, decay: 1, lowWeight: true)
  case (true, true, false): adamLoop(p, m, v, g, n, c, decay: 1, lowWeight: false)
  case (true, false, true): adamLoop(p, m, v, g, n, c, decay: 2, lowWeight: true)
  case (true, false, false): adamLoop(p, m, v, g, n, c, decay: 2, lowWeight: false)
  }
}

/// The Adam element loop; `decay` 0 = none, 1 = decoupled (p·(1 − lr·wd)), 2 = coupled (g + wd·p).
///
/// Written on SIMD8 so it vectorises (a scalar `squareRoot()` compiles to a libm call on Linux);
/// every lane does exactly the scalar Float32 operations, so results are identical.
@inline(__always)
private func adamLoop(
  _ p: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
  _ g: UnsafePointer<Float>, _ n: Int, _ c: AdamConstants, decay: Int, lowWeight: Bool
) {
  typealias V = SIMD8<Float>
  let w = V(repeating: c.lerpWeight)
  let oneMinusW = V(repeating: 1 - c.lerpWeight)
  let d = V(repeating: c.decay)
  let l2 = V(repeating: c.l2)
  let b2 = V(repeating: c.beta2)
  let c2 = V(repeating: c.oneMinusBeta2)
  let bc2 = V(repeating: c.biasCorrection2Sqrt)
  let neg = V(repeating: c.negStepSize)
  let eps = V(repeating: c.eps)
  @inline(__always) func update(_ gi: V, _ pi: V, _ mi: V, _ vi: V) -> (V, V, V) {
    var gi = gi
    var pi = pi
    if decay == 1 { pi = pi * d }
    if decay == 2 { gi = gi + l2 * pi }
    // torch's lerp: weight < 0.5 ? self + w·(end − self) : end − (end − self)·(1 − w)
    let mNew = lowWeight ? mi + w * (gi - mi) : gi - (gi - mi) * oneMinusW
    let vNew = vi * b2 + c2 * gi * gi
    let denom = vNew.squareRoot() / bc2 + eps
    return (pi + neg * mNew / denom, mNew, vNew)
  }
  var i = 0
  while i + 8 <= n {
    let (pn, mn, vn) = update(
      UnsafeRawPointer(g + i).loadUnaligned(as: V.self), UnsafeRawPointer(p + i).loadUnaligned(as: V.self),
      UnsafeRawPointer(m + i).loadUnaligned(as: V.self), UnsafeRawPointer(v + i).loadUnaligned(as: V.self))
    UnsafeMutableRawPointer(p + i).storeBytes(of: pn, as: V.self)
    UnsafeMutableRawPointer(m + i).storeBytes(of: mn, as: V.self)
    UnsafeMutableRawPointer(v + i).storeBytes(of: vn, as: V.self)
    i += 8
  }
  if i < n {
    // The tail through one padded vector (lanes past n are computed and discarded).
    var gt = V()
    var pt = V()
    var mt = V()
    var vt = V()
    for j in 0..<(n - i) {
      gt[j] = g[i + j]
      pt[j] = p[i + j]
      mt[j] = m[i + j]
      vt[j] = v[i + j]
    }
    let (pn, mn, vn) = update(gt, pt, mt, vt)
    for j in 0..<(n - i) {
      p[i + j] = pn[j]
      m[i + j] = mn[j]
      v[i + j] = vn[j]
    }
  }
}
