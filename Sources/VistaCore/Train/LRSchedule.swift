import Foundation

/// A learning-rate schedule: the rate at scheduler step `t` (0 = before the first `step()`),
/// in the closed forms of MONAI/torch's schedulers. The trainer sets `optimizer.lr` from it.
public enum LRSchedule: Sendable, Equatable, Codable {
  /// The base rate throughout.
  case constant
  /// MONAI's `WarmupCosineSchedule`: linear warmup from `warmupMultiplier·base` over
  /// `warmupSteps`, then `max(endLR, base·max(0, ½(1 + cos(π·cycles·2·progress))))`.
  case warmupCosine(
    warmupSteps: Int, totalSteps: Int, endLR: Double = 0, cycles: Double = 0.5,
    warmupMultiplier: Double = 0)
  /// torch's `StepLR`: `base·gamma^(t / stepSize)` (integer division).
  case step(stepSize: Int, gamma: Double = 0.1)
  /// torch's `PolynomialLR`: `base·(1 − min(t, totalSteps)/totalSteps)^power`.
  case poly(totalSteps: Int, power: Double = 1)

  /// Throws when a parameter is out of range (MONAI/torch raise for the same values).
  public func validate() throws {
    switch self {
    case .constant: return
    case .warmupCosine(_, let total, _, _, let mult):
      guard total > 0 else {
        throw VistaError("warmup cosine schedule: totalSteps must be > 0, got \(total)")
      }
      guard (0...1).contains(mult) else {
        throw VistaError("warmup cosine schedule: warmupMultiplier must be in 0...1, got \(mult)")
      }
    case .step(let size, _):
      guard size > 0 else { throw VistaError("step schedule: stepSize must be > 0, got \(size)") }
    case .poly(let total, _):
      guard total > 0 else { throw VistaError("poly schedule: totalSteps must be > 0, got \(total)") }
    }
  }

  /// The learning rate at step `t` for a base rate `base`.
  public func lr(base: Double, step t: Int) -> Double {
    switch self {
    case .constant:
      return base
    case .warmupCosine(let warmupSteps, let total, let endLR, let cycles, let mult):
      let warmup = min(max(warmupSteps, 0), total)
      if t < warmup {
        let f = Double(t) / max(1.0, Double(warmup))
        return base * (mult + (1 - mult) * f)
      }
      let progress = Double(t - warmup) / Double(max(1, total - warmup))
      let factor = max(0.0, 0.5 * (1.0 + cos(Double.pi * cycles * 2.0 * progress)))
      return max(endLR, base * factor)
    case .step(let size, let gamma):
      return base * pow(gamma, Double(t / size))
    case .poly(let total, let power):
      return base * pow(1 - Double(min(t, total)) / Double(total), power)
    }
  }
}
