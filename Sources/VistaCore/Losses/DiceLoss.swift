import Foundation

/// How a loss reduces its per-item values to the scalar it returns.
public enum LossReduction: String, Sendable, Codable {
  /// The average (MONAI's default).
  case mean
  /// The sum.
  case sum
}

/// MONAI's `DiceLoss` as one fused op with a hand-written backward.
///
/// input: logits `[B, C, spatial…]` (probabilities when `sigmoid` is false); target: `[B, C, spatial…]`
/// with values in [0, 1]. Per item (b, c) — or per channel over the batch when `batch` — with
/// p = σ(x): `1 − (2·Σpt + smoothNr) / (Σp + Σt + smoothDr)` (Σp², Σt² when `squaredPred`),
/// then the mean (or sum) over items. MONAI's defaults: include_background, jaccard false,
/// no class weights.
public struct DiceLoss: Sendable {
  /// Apply a sigmoid to the input first (MONAI `sigmoid=True`).
  public var sigmoid: Bool
  /// Square predictions and targets in the denominator.
  public var squaredPred: Bool
  /// Sum over the batch before the ratio (one Dice per channel).
  public var batch: Bool
  /// Added to the numerator.
  public var smoothNr: Float
  /// Added to the denominator.
  public var smoothDr: Float
  /// Mean or sum over the (batch,) channel items.
  public var reduction: LossReduction

  /// Creates the loss with MONAI's defaults (except `sigmoid`, which the VISTA3D recipes set).
  public init(
    sigmoid: Bool = true, squaredPred: Bool = false, batch: Bool = false, smoothNr: Float = 1e-5,
    smoothDr: Float = 1e-5, reduction: LossReduction = .mean
  ) {
    self.sigmoid = sigmoid
    self.squaredPred = squaredPred
    self.batch = batch
    self.smoothNr = smoothNr
    self.smoothDr = smoothDr
    self.reduction = reduction
  }

  /// The loss of `input` against `target` as a scalar `Variable` (gradient flows into `input`).
  public func callAsFunction(_ input: Variable, _ target: Tensor) throws -> Variable {
    let layout = try LossLayout(input.shape, target.shape, op: "DiceLoss")
    let p = sigmoid ? sigmoidForward(input.value) : input.value
    let terms = diceTerms(p, target, layout, batch: batch, squared: squaredPred)
    let value = terms.loss(smoothNr: smoothNr, smoothDr: smoothDr, reduction: reduction)
    let config = self
    return Variable.record(Tensor(scalar: value), op: "dice_loss", inputs: [input]) { g in
      var grad = Tensor(zeros: layout.shape)
      config.accumulateGradient(
        into: &grad, p: p, target: target, terms: terms, layout: layout,
        scale: g.scalars[0])
      return [grad]
    }
  }

  /// Adds `scale · ∂loss/∂input` into `grad`.
  func accumulateGradient(
    into grad: inout Tensor, p: Tensor, target: Tensor, terms: DiceTerms, layout: LossLayout, scale: Float
  ) {
    let weight = reduction == .mean ? scale / Float(terms.groups) : scale
    let coefficients = (0..<terms.groups).map { g -> (n: Float, d: Float, w: Float) in
      let (n, d) = terms.ratio(g, smoothNr: smoothNr, smoothDr: smoothDr)
      return (n, d, weight / (d * d))
    }
    let s = layout.spatial
    let channels = layout.channels
    let squared = squaredPred
    let sig = sigmoid
    grad.withUnsafeMutableBufferPointer { gb in
      p.withUnsafeBufferPointer { pb in
        target.withUnsafeBufferPointer { tb in
          let (gp, pp, tp) = (gb.baseAddress!, pb.baseAddress!, tb.baseAddress!)
          parallelFor(layout.batch * channels) { item in
            let group = terms.batchReduced ? item % channels : item
            let (n, d, w) = coefficients[group]
            let base = item * s
            for i in base..<(base + s) {
              let pi = pp[i]
              let dD: Float = squared ? 2 * pi : 1
              // ∂(1 − N/D)/∂p = (N·∂D/∂p − 2t·D) / D²
              var dp = w * (n * dD - 2 * tp[i] * d)
              if sig { dp = dp * pi * (1 - pi) }
              gp[i] += dp
            }
          }
        }
      }
    }
  }
}

/// The shape of a loss input `[B, C, spatial…]`, checked against its target.
struct LossLayout: Sendable {
  let shape: [Int]
  let batch: Int
  let channels: Int
  let spatial: Int

  init(_ input: [Int], _ target: [Int], op: String) throws {
    guard input.count >= 3 else {
      throw VistaError.badShape(
        op, input, expected: "an input [B, C, spatial…] with at least one spatial dimension")
    }
    guard input == target else {
      throw VistaError.shapeMismatch(
        op, input, target, expected: "input and target of the same shape [B, C, spatial…]")
    }
    guard input.elementCount > 0 else {
      throw VistaError.badShape(op, input, expected: "a non-empty input")
    }
    shape = input
    batch = input[0]
    channels = input[1]
    spatial = Array(input.dropFirst(2)).elementCount
  }
}

/// Per-group sums of a Dice loss: Σp·t, Σp (or Σp²), Σt (or Σt²), accumulated in Double.
struct DiceTerms: Sendable {
  var intersection: [Double]
  var predSum: [Double]
  var targetSum: [Double]
  let batchReduced: Bool
  var groups: Int { intersection.count }

  /// Numerator and denominator of group `g` in Float32.
  func ratio(_ g: Int, smoothNr: Float, smoothDr: Float) -> (Float, Float) {
    let tp = Float(intersection[g])
    let n = 2 * tp + smoothNr
    let d = Float(predSum[g]) + Float(targetSum[g]) + smoothDr
    return (n, d)
  }

  /// The reduced loss `1 − N/D` over groups.
  func loss(smoothNr: Float, smoothDr: Float, reduction: LossReduction) -> Float {
    var total: Float = 0
    for g in 0..<groups {
      let (n, d) = ratio(g, smoothNr: smoothNr, smoothDr: smoothDr)
      total += 1 - n / d
    }
    return reduction == .mean ? total / Float(groups) : total
  }
}

/// Sums Σpt, Σp, Σt per (b, c) item, or per channel when `batch`.
func diceTerms(_ p: Tensor, _ t: Tensor, _ layout: LossLayout, batch: Bool, squared: Bool) -> DiceTerms {
  let items = layout.batch * layout.channels
  let s = layout.spatial
  var sums = [Double](repeating: 0, count: items * 3)
  p.withUnsafeBufferPointer { pb in
    t.withUnsafeBufferPointer { tb in
      sums.withUnsafeMutableBufferPointer { sb in
        let (pp, tp, out) = (pb.baseAddress!, tb.baseAddress!, sb.baseAddress!)
        parallelFor(items) { item in
          var a = 0.0
          var b = 0.0
          var c = 0.0
          let base = item * s
          for i in base..<(base + s) {
            let pi = Double(pp[i])
            let ti = Double(tp[i])
            a += pi * ti
            b += squared ? pi * pi : pi
            c += squared ? ti * ti : ti
          }
          out[3 * item] = a
          out[3 * item + 1] = b
          out[3 * item + 2] = c
        }
      }
    }
  }
  let groups = batch ? layout.channels : items
  var terms = DiceTerms(
    intersection: .init(repeating: 0, count: groups), predSum: .init(repeating: 0, count: groups),
    targetSum: .init(repeating: 0, count: groups), batchReduced: batch)
  for item in 0..<items {
    let g = batch ? item % layout.channels : item
    terms.intersection[g] += sums[3 * item]
    terms.predSum[g] += sums[3 * item + 1]
    terms.targetSum[g] += sums[3 * item + 2]
  }
  return terms
}

/// Elementwise logistic sigmoid `1 / (1 + e^−x)` in Float32.
public func sigmoidForward(_ x: Tensor) -> Tensor {
  guard x.count > 0 else { return x }
  return Tensor(shape: x.shape) { out in
    x.withUnsafeBufferPointer { xb in
      let (xp, op) = (xb.baseAddress!, out.baseAddress!)
      parallelRanges(xb.count, minChunk: 1 << 15) { r in
        for i in r { op[i] = 1 / (1 + expf(-xp[i])) }
      }
    }
  }
}
