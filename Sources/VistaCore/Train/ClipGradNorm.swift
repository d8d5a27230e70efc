/// Rescales the gradients of `parameters` so their joint L2 norm is at most `maxNorm`
/// (torch.nn.utils.clip_grad_norm_ with norm_type 2) and returns the norm before clipping.
///
/// As in torch every gradient is multiplied by `min(1, maxNorm / (norm + 1e-6))`, parameters
/// without a gradient (or frozen) are ignored, and a non-finite norm propagates into the gradients
/// (check the returned value, or unscale with `GradScaler`, which skips such steps).
@discardableResult
public func clipGradNorm(_ parameters: [Parameter], maxNorm: Double) throws -> Float {
  guard maxNorm >= 0 else { throw VistaError("clipGradNorm: maxNorm must be ≥ 0, got \(maxNorm)") }
  let active = parameters.filter { $0.requiresGrad && $0.grad != nil }
  guard !active.isEmpty else { return 0 }
  let total = gradNorm(active)
  let coef = min(Float(maxNorm) / (total + 1e-6), 1)
  for p in active {
    var g = p.grad!
    p.grad = nil  // sole owner, so scaling does not copy
    g.scaleInPlace(coef)
    p.grad = g
  }
  return total
}

/// The joint L2 norm of the gradients of `parameters` (those without one count as zero).
public func gradNorm(_ parameters: [Parameter]) -> Float {
  var sumSquares = 0.0
  for p in parameters {
    guard let g = p.grad, g.count > 0 else { continue }
    g.withUnsafeBufferPointer { b in
      let x = b.baseAddress!
      sumSquares += blockSum(b.count) { r in
        // Eight Float lanes over 512-element runs (vectorises), each run added in Double.
        var total = 0.0
        var i = r.lowerBound
        while i < r.upperBound {
          let end = min(i + 512, r.upperBound)
          var lanes = SIMD8<Float>()
          while i + 8 <= end {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            lanes += v * v
            i += 8
          }
          var s = Double(lanes.sum())
          while i < end {
            s += Double(x[i]) * Double(x[i])
            i += 1
          }
          total += s
        }
        return total
      }
    }
  }
  return Float(sumSquares.squareRoot())
}
