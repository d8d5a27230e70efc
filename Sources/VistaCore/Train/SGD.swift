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
      throw VistaError("SGD: invalid hyper-parameters lr=\(lr) momentum=\(momentum) weight_decay=\(weightDecay) (need ≥ 0)")
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
      var buf = buffers[p.name]
      buffers[p.name] = nil
      let first = buf == nil
      if momentum != 0 && first { buf = Tensor(zeros: p.value.shape) }
      var b = buf ?? Tensor(zeros: [0])
      let useMomentum = momentum != 0
      let nesterov = self.nesterov
      p.value.withUnsafeMutableBufferPointer { pv in
        b.withUnsafeMutableBufferPointer { bv in
          g.withUnsafeBufferPointer { gv in
            let pp = pv.baseAddress!
            let bp = bv.baseAddress
            let gp = gv.baseAddress!
            parallelRanges(n, minChunk: 1 << 16) { r in
              for i in r {
                var gi = gp[i]
                if wd != 0 { gi = gi + wd * pp[i] }
                if useMomentum, let bp {
                  let bi = first ? gi : bp[i] * mu + keep * gi
                  bp[i] = bi
                  gi = nesterov ? gi + mu * bi : bi
                }
                pp[i] = pp[i] + negLR * gi
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
        throw VistaError("loadStateDict: unexpected entry '\(key)' for SGD (expected <parameter>.momentum_buffer)")
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
