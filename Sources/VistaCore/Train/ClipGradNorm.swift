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
    p.grad!.scaleInPlace(coef)
  }
  return total
}

/// The joint L2 norm of the gradients of `parameters` (those without one count as zero).
public func gradNorm(_ parameters: [Parameter]) -> Float {
  var sumSquares = 0.0
  for p in parameters {
    guard let g = p.grad else { continue }
    g.withUnsafeBufferPointer { b in
      var s = 0.0
      for x in b { s += Double(x) * Double(x) }
      sumSquares += s
    }
  }
  return Float(sumSquares.squareRoot())
}
