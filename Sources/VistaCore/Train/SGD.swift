/// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay
/// (torch.optim.SGD's single-tensor update, element by element in Float32):
/// `g ← g + wd·p`; `b ← g` on the first step, else `b ← μ·b + (1−τ)·g`;
/// `g ← g + μ·b` (Nesterov) or `g ← b`; `p ← p − lr·g`.
public final class SGD: Optimizer {
  public let parameters: [Parameter]
  public var lr: Double
  /// Momentum factor μ (0 = plain SGD, no buffer).
  public var momentum: Double
  /// Dampening τ for momentum.
  public var dampening: Double
  /// Nesterov momentum (needs momentum > 0 and dampening 0).
  public var nesterov: Bool
  /// L2 penalty added to the gradient.
  public var weightDecay: Double

  var buffers: [String: Tensor] = [:]

  /// Creates SGD over `parameters` (torch's defaults; lr is required there, 1e-3 here).
  public init(
    _ parameters: [Parameter], lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
    nesterov: Bool = false, weightDecay: Double = 0
  ) throws {
    try checkUniqueNames(parameters, op: "SGD")
    guard lr >= 0, momentum >= 0, weightDecay >= 0 else {
      throw VistaError(
        "SGD: invalid hyper-parameters lr=\(lr) momentum=\(momentum) weight_decay=\(weightDecay) (need ≥ 0)")
    }
    guard !nesterov || (momentum > 0 && dampening == 0) else {
      throw VistaError("SGD: Nesterov momentum requires a momentum > 0 and zero dampening")
    }
    self.parameters = parameters
    self.lr = lr
    self.momentum = momentum
    self.dampening = dampening
    self.nesterov = nesterov
    self.weightDecay = weightDecay
  }

  public func step() throws {
    let wd = Float(weightDecay)
    let mu = Float(momentum)
    let keep = Float(1 - dampening)
    let negLR = Float(-lr)
    for p in parameters {
      guard let g = try activeGradient(p, op: "SGD") else { continue }
      let n = p.value.count
      guard n > 0 else { continue }
      let useMomentum = momentum != 0
      let first = buffers[p.name] == nil
      // Take the buffer out of the dictionary so this is its only reference (no copy on write).
      var b = buffers.removeValue(forKey: p.name) ?? Tensor(zeros: useMomentum ? p.value.shape : [0])
      let nesterov = self.nesterov
      p.value.withUnsafeMutableBufferPointer { pv in
        b.withUnsafeMutableBufferPointer { bv in
          g.withUnsafeBufferPointer { gv in
            let pp = pv.baseAddress!
            let bp = bv.baseAddress
            let gp = gv.baseAddress!
            parallelRanges(n, minChunk: 1 << 16) { r in
              let o = r.lowerBound
              let mode = !useMomentum ? 0 : first ? 1 : 2
              switch (mode, nesterov, wd != 0) {
              case (0, _, false):
                sgdLoop(
                  pp + o, nil, gp + o, r.count, wd, mu, keep, negLR, mode: 0, nesterov: false, decay: false)
              case (0, _, true):
                sgdLoop(
                  pp + o, nil, gp + o, r.count, wd, mu, keep, negLR, mode: 0, nesterov: false, decay: true)
              case (1, false, _):
                sgdLoop(
                  pp + o, bp! + o, gp + o, r.count, wd, mu, keep, negLR, mode: 1, nesterov: false,
                  decay: wd != 0)
              case (1, true, _):
                sgdLoop(
                  pp + o, bp! + o, gp + o, r.count, wd, mu, keep, negLR, mode: 1, nesterov: true,
                  decay: wd != 0)
              case (_, false, false):
                sgdLoop(
                  pp + o, bp! + o, gp + o, r.count, wd, mu, keep, negLR, mode: 2, nesterov: false,
                  decay: false)
              case (_, false, true):
                sgdLoop(
                  pp + o, bp! + o, gp + o, r.count, wd, mu, keep, negLR, mode: 2, nesterov: false, decay: true
                )
              case (_, true, false):
                sgdLoop(
                  pp + o, bp! + o, gp + o, r.count, wd, mu, keep, negLR, mode: 2, nesterov: true, decay: false
                )
              case (_, true, true):
                sgdLoop(
                  pp + o, bp! + o, gp + o, r.count, wd, mu, keep, negLR, mode: 2, nesterov: true, decay: true)
              }
            }
          }
        }
      }
      if useMomentum { buffers[p.name] = b }
    }
  }

  public func stateDict() -> OptimizerState {
    var s = OptimizerState(kind: "sgd")
    s.scalars = [
      "lr": lr, "momentum": momentum, "dampening": dampening, "nesterov": nesterov ? 1 : 0,
      "weight_decay": weightDecay,
    ]
    for p in parameters {
      if let b = buffers[p.name] { s.tensors["\(p.name).momentum_buffer"] = b }
    }
    return s
  }

  public func loadStateDict(_ state: OptimizerState) throws {
    guard state.kind == "sgd" else {
      throw VistaError("loadStateDict: the state is for '\(state.kind)', this optimizer is 'sgd'")
    }
    let byName = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0) })
    var restored: [String: Tensor] = [:]
    for (key, t) in state.tensors {
      guard key.hasSuffix(".momentum_buffer"), let p = byName[String(key.dropLast(16))] else {
        throw VistaError(
          "loadStateDict: unexpected entry '\(key)' for SGD (expected <parameter>.momentum_buffer)")
      }
      try checkBuffer(t, for: p, key: key)
      restored[p.name] = t
    }
    buffers = restored
    lr = state.scalars["lr"] ?? lr
    momentum = state.scalars["momentum"] ?? momentum
    dampening = state.scalars["dampening"] ?? dampening
    nesterov = (state.scalars["nesterov"] ?? (nesterov ? 1 : 0)) != 0
    weightDecay = state.scalars["weight_decay"] ?? weightDecay
  }
}

/// The SGD element loop; `mode` 0 = no momentum, 1 = first step (buffer ← g), 2 = momentum update.
/// SIMD8 lanes with exactly the scalar Float32 operations (so it vectorises, with equal results).
@inline(__always)
private func sgdLoop(
  _ p: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>?, _ g: UnsafePointer<Float>, _ n: Int,
  _ wd: Float, _ mu: Float, _ keep: Float, _ negLR: Float, mode: Int, nesterov: Bool, decay: Bool
) {
  typealias V = SIMD8<Float>
  let (wdV, muV, keepV, lrV) = (V(repeating: wd), V(repeating: mu), V(repeating: keep), V(repeating: negLR))
  let bp = b ?? p  // not read or written when mode == 0
  var i = 0
  while i + 8 <= n {
    var gi = UnsafeRawPointer(g + i).loadUnaligned(as: V.self)
    let pi = UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
    if decay { gi = gi + wdV * pi }
    if mode != 0 {
      let bi = mode == 1 ? gi : UnsafeRawPointer(bp + i).loadUnaligned(as: V.self) * muV + keepV * gi
      UnsafeMutableRawPointer(bp + i).storeBytes(of: bi, as: V.self)
      gi = nesterov ? gi + muV * bi : bi
    }
    UnsafeMutableRawPointer(p + i).storeBytes(of: pi + lrV * gi, as: V.self)
    i += 8
  }
  while i < n {
    var gi = g[i]
    if decay { gi = gi + wd * p[i] }
    if mode != 0 {
      let bi = mode == 1 ? gi : bp[i] * mu + keep * gi
      bp[i] = bi
      gi = nesterov ? gi + mu * bi : bi
    }
    p[i] = p[i] + negLR * gi
    i += 1
  }
}
