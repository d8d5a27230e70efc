/// Dynamic loss scaling for mixed precision, as torch.amp.GradScaler.
///
/// Per step: `backward` from `scale(loss)` (or with `lossSeed`), then optionally `unscale` before
/// clipping, then `step(optimizer)` (skipped when a gradient is inf/NaN), then `update()`:
/// ×`growthFactor` after `growthInterval` clean steps in a row, ×`backoffFactor` on a skip.
public final class GradScaler {
  /// The current loss scale (init 2^16).
  public private(set) var scale: Float
  /// Multiplier after `growthInterval` consecutive clean steps.
  public var growthFactor: Double
  /// Multiplier when a step had inf/NaN gradients.
  public var backoffFactor: Double
  /// Clean steps needed before growing the scale.
  public var growthInterval: Int
  /// Consecutive clean steps since the last growth or backoff.
  public private(set) var growthTracker = 0
  /// When false every method is a pass-through (scale 1, nothing skipped).
  public let enabled: Bool

  private var unscaled = false
  private var stepped = false
  /// True when the last `unscale`/`step` found an inf or NaN gradient.
  public private(set) var foundInf = false

  /// Creates a scaler with torch's defaults.
  public init(
    initScale: Float = 65536, growthFactor: Double = 2, backoffFactor: Double = 0.5,
    growthInterval: Int = 2000, enabled: Bool = true
  ) throws {
    guard initScale > 0, initScale.isFinite, growthFactor > 1, backoffFactor > 0, backoffFactor < 1,
      growthInterval > 0
    else {
      throw VistaError(
        "GradScaler: need initScale > 0, growthFactor > 1, 0 < backoffFactor < 1, growthInterval > 0")
    }
    self.scale = initScale
    self.growthFactor = growthFactor
    self.backoffFactor = backoffFactor
    self.growthInterval = growthInterval
    self.enabled = enabled
  }

  /// The seed for `loss.backward(seed:)` that scales the loss: a 0-d tensor holding the scale.
  public var lossSeed: Tensor { Tensor(scalar: enabled ? scale : 1) }

  /// `loss · scale` as a recorded op (its backward multiplies by the scale).
  public func scale(_ loss: Variable) -> Variable {
    guard enabled else { return loss }
    let s = scale
    let y = loss.value.map { $0 * s }
    return Variable.record(y, op: "grad_scaler.scale", inputs: [loss]) { g in [g.map { $0 * s }] }
  }

  /// Divides the gradients of `parameters` by the scale and records whether any was inf/NaN.
  ///
  /// Call at most once per step (before clipping); `step` calls it when you have not.
  @discardableResult
  public func unscale(_ parameters: [Parameter]) throws -> Bool {
    guard enabled else { return false }
    guard !unscaled else {
      throw VistaError("GradScaler.unscale: already called since the last update(); call it once per step")
    }
    guard !stepped else {
      throw VistaError("GradScaler.unscale: step() already ran; call update() first")
    }
    let inv = Float(1.0 / Double(scale))
    var found = false
    for p in parameters where p.requiresGrad && (p.grad?.count ?? 0) > 0 {
      var g = p.grad!
      p.grad = nil
      g.withUnsafeMutableBufferPointer { b in
        let x = b.baseAddress!
        let bad = blockSum(b.count) { r in
          var nonFinite = false
          for i in r {
            let v = x[i]
            nonFinite = nonFinite || !v.isFinite
            x[i] = v * inv
          }
          return nonFinite ? 1 : 0
        }
        if bad > 0 { found = true }
      }
      p.grad = g
    }
    foundInf = found
    unscaled = true
    return found
  }

  /// Unscales (if not done yet) and runs `optimizer.step()` unless a gradient was inf/NaN.
  ///
  /// Returns true when the optimizer stepped, false when the step was skipped.
  @discardableResult
  public func step(_ optimizer: Optimizer) throws -> Bool {
    guard enabled else {
      try optimizer.step()
      return true
    }
    guard !stepped else { throw VistaError("GradScaler.step: already called since the last update()") }
    if !unscaled { try unscale(optimizer.parameters) }
    stepped = true
    if foundInf { return false }
    try optimizer.step()
    return true
  }

  /// Adjusts the scale after a step: backoff on inf/NaN, growth after `growthInterval` clean steps.
  public func update() {
    guard enabled else { return }
    if foundInf {
      scale = Float(Double(scale) * backoffFactor)
      growthTracker = 0
    } else {
      let successful = growthTracker + 1
      if successful == growthInterval {
        let grown = Float(Double(scale) * growthFactor)
        if grown.isFinite { scale = grown }
        growthTracker = 0
      } else {
        growthTracker = successful
      }
    }
    unscaled = false
    stepped = false
    foundInf = false
  }

  /// The serialisable state (torch's keys: scale, growth_factor, backoff_factor, growth_interval,
  /// _growth_tracker).
  public func stateDict() -> [String: Double] {
    [
      "scale": Double(scale), "growth_factor": growthFactor, "backoff_factor": backoffFactor,
      "growth_interval": Double(growthInterval), "_growth_tracker": Double(growthTracker),
    ]
  }

  /// Restores `stateDict()`; throws when `scale` is missing or invalid.
  public func loadStateDict(_ state: [String: Double]) throws {
    guard let s = state["scale"], s > 0, s.isFinite else {
      throw VistaError("GradScaler.loadStateDict: missing or invalid 'scale'")
    }
    scale = Float(s)
    growthFactor = state["growth_factor"] ?? growthFactor
    backoffFactor = state["backoff_factor"] ?? backoffFactor
    growthInterval = Int(state["growth_interval"] ?? Double(growthInterval))
    growthTracker = Int(state["_growth_tracker"] ?? 0)
    unscaled = false
    stepped = false
    foundInf = false
  }
}
