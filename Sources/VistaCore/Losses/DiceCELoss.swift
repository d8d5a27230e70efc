import Foundation

/// MONAI's `DiceCELoss` as one fused op: `lambdaDice · Dice + lambdaCE · CE`.
///
/// input: logits `[B, C, spatial…]`; target: `[B, C, spatial…]` in [0, 1]. The CE term is, as in
/// MONAI, `BCEWithLogitsLoss` when C == 1 and `CrossEntropyLoss` with class-probability targets
/// (softmax over C) when C > 1; both reduced with `dice.reduction` (mean over elements, or over
/// B·spatial for the softmax form).
public struct DiceCELoss: Sendable {
  /// The Dice part (its `reduction` is used for both parts).
  public var dice: DiceLoss
  /// Weight of the Dice term (≥ 0).
  public var lambdaDice: Float
  /// Weight of the cross-entropy term (≥ 0).
  public var lambdaCE: Float

  /// Creates the loss; Dice options as `DiceLoss` (the bundle uses squaredPred with smoothNr 1e-4,
  /// smoothDr 1e-2).
  public init(
    sigmoid: Bool = true, squaredPred: Bool = false, batch: Bool = false, smoothNr: Float = 1e-5,
    smoothDr: Float = 1e-5, reduction: LossReduction = .mean, lambdaDice: Float = 1, lambdaCE: Float = 1
  ) throws {
    guard lambdaDice >= 0, lambdaCE >= 0 else {
      throw VistaError("DiceCELoss: lambdaDice and lambdaCE must be ≥ 0, got \(lambdaDice) and \(lambdaCE)")
    }
    dice = DiceLoss(
      sigmoid: sigmoid, squaredPred: squaredPred, batch: batch, smoothNr: smoothNr, smoothDr: smoothDr,
      reduction: reduction)
    self.lambdaDice = lambdaDice
    self.lambdaCE = lambdaCE
  }

  /// The loss of `input` against `target` as a scalar `Variable`.
  public func callAsFunction(_ input: Variable, _ target: Tensor) throws -> Variable {
    let layout = try LossLayout(input.shape, target.shape, op: "DiceCELoss")
    let x = input.value
    let p = dice.sigmoid ? sigmoidForward(x) : x
    let terms = diceTerms(p, target, layout, batch: dice.batch, squared: dice.squaredPred)
    let diceValue = terms.loss(smoothNr: dice.smoothNr, smoothDr: dice.smoothDr, reduction: dice.reduction)
    let mean = dice.reduction == .mean
    let ce =
      layout.channels == 1
      ? binaryCrossEntropyWithLogits(x, target, mean: mean)
      : softCrossEntropy(x, target, layout, mean: mean)
    let value = lambdaDice * diceValue + lambdaCE * ce
    let config = self
    return Variable.record(Tensor(scalar: value), op: "dice_ce_loss", inputs: [input]) { g in
      let scale = g.scalars[0]
      var grad = Tensor(zeros: layout.shape)
      if layout.channels == 1 {
        binaryCrossEntropyWithLogitsBackward(
          into: &grad, p: p, x: x, target, mean: mean,
          scale: scale * config.lambdaCE, sigmoidDone: config.dice.sigmoid)
      } else {
        softCrossEntropyBackward(into: &grad, x, target, layout, mean: mean, scale: scale * config.lambdaCE)
      }
      if config.lambdaDice != 0 {
        config.dice.accumulateGradient(
          into: &grad, p: p, target: target, terms: terms, layout: layout,
          scale: scale * config.lambdaDice)
      }
      return [grad]
    }
  }
}

/// torch's `binary_cross_entropy_with_logits`: `(1 − t)·x − logσ(x)` summed in Double, then the mean
/// (or sum).
func binaryCrossEntropyWithLogits(_ x: Tensor, _ t: Tensor, mean: Bool) -> Float {
  let total = x.withUnsafeBufferPointer { xb in
    t.withUnsafeBufferPointer { tb in
      let (xp, tp) = (xb.baseAddress!, tb.baseAddress!)
      return blockSum(xb.count) { r in
        var s = 0.0
        for i in r {
          let xi = xp[i]
          // log σ(x) = min(x, 0) − log1p(e^−|x|)
          let logSigmoid = min(xi, 0) - log1pf(expf(-abs(xi)))
          s += Double((1 - tp[i]) * xi - logSigmoid)
        }
        return s
      }
    }
  }
  return Float(mean ? total / Double(x.count) : total)
}

/// Adds `scale · (σ(x) − t) / n` into `grad` (n = element count for the mean, 1 for the sum).
func binaryCrossEntropyWithLogitsBackward(
  into grad: inout Tensor, p: Tensor, x: Tensor, _ t: Tensor, mean: Bool, scale: Float, sigmoidDone: Bool
) {
  let w = mean ? scale / Float(x.count) : scale
  let sig = sigmoidDone ? p : sigmoidForward(x)
  grad.withUnsafeMutableBufferPointer { gb in
    sig.withUnsafeBufferPointer { sb in
      t.withUnsafeBufferPointer { tb in
        let (gp, sp, tp) = (gb.baseAddress!, sb.baseAddress!, tb.baseAddress!)
        parallelRanges(gb.count, minChunk: 1 << 15) { r in
          for i in r { gp[i] += w * (sp[i] - tp[i]) }
        }
      }
    }
  }
}

/// torch's `cross_entropy` with class-probability targets over dim 1:
/// `−Σ_c t_c · log_softmax(x)_c` per (b, voxel), then the mean over B·spatial (or the sum).
func softCrossEntropy(_ x: Tensor, _ t: Tensor, _ layout: LossLayout, mean: Bool) -> Float {
  let (c, s) = (layout.channels, layout.spatial)
  var total = 0.0
  x.withUnsafeBufferPointer { xb in
    t.withUnsafeBufferPointer { tb in
      for b in 0..<layout.batch {
        let base = b * c * s
        for v in 0..<s {
          var m = -Float.infinity
          for k in 0..<c { m = max(m, xb[base + k * s + v]) }
          var z: Float = 0
          for k in 0..<c { z += expf(xb[base + k * s + v] - m) }
          let logZ = m + logf(z)
          var l: Float = 0
          for k in 0..<c { l -= tb[base + k * s + v] * (xb[base + k * s + v] - logZ) }
          total += Double(l)
        }
      }
    }
  }
  return Float(mean ? total / Double(layout.batch * s) : total)
}

/// Adds `scale · (softmax(x)·Σ_c t_c − t) / n` into `grad`.
func softCrossEntropyBackward(
  into grad: inout Tensor, _ x: Tensor, _ t: Tensor, _ layout: LossLayout, mean: Bool, scale: Float
) {
  let (c, s) = (layout.channels, layout.spatial)
  let w = mean ? scale / Float(layout.batch * s) : scale
  grad.withUnsafeMutableBufferPointer { gb in
    x.withUnsafeBufferPointer { xb in
      t.withUnsafeBufferPointer { tb in
        for b in 0..<layout.batch {
          let base = b * c * s
          for v in 0..<s {
            var m = -Float.infinity
            for k in 0..<c { m = max(m, xb[base + k * s + v]) }
            var z: Float = 0
            var tSum: Float = 0
            for k in 0..<c {
              z += expf(xb[base + k * s + v] - m)
              tSum += tb[base + k * s + v]
            }
            for k in 0..<c {
              let i = base + k * s + v
              gb[i] += w * (expf(xb[i] - m) / z * tSum - tb[i])
            }
          }
        }
      }
    }
  }
}
