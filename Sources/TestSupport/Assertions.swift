import Testing
import VistaCore

/// The largest |a − b| and where it occurs; nil when shapes differ.
public func maxAbsDiff(_ a: Tensor, _ b: Tensor) -> (diff: Float, index: Int)? {
  guard a.shape == b.shape else { return nil }
  var best: Float = 0
  var at = 0
  for i in 0..<a.count {
    let d = abs(a.scalars[i] - b.scalars[i])
    if d > best || d.isNaN {
      best = d
      at = i
    }
  }
  return (best, at)
}

/// Expects equal shapes and `|a − b| ≤ atol + rtol·|b|` everywhere; reports the worst element.
public func expectClose(
  _ a: Tensor, _ b: Tensor, rtol: Float = 1e-5, atol: Float = 1e-6, _ label: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  guard a.shape == b.shape else {
    Issue.record(
      "\(label) shape \(formatShape(a.shape)) != \(formatShape(b.shape))", sourceLocation: sourceLocation)
    return
  }
  var failures = 0
  var worst: (Int, Float) = (0, 0)
  for i in 0..<a.count {
    let x = a.scalars[i]
    let y = b.scalars[i]
    let d = abs(x - y)
    if !(d <= atol + rtol * abs(y)) {
      failures += 1
      if d > worst.1 || d.isNaN { worst = (i, d) }
    }
  }
  if failures > 0 {
    let i = worst.0
    Issue.record(
      "\(label) \(failures)/\(a.count) elements differ; worst at \(i): \(a.scalars[i]) vs \(b.scalars[i]) (|diff| \(worst.1))",
      sourceLocation: sourceLocation)
  }
}

/// Expects `max|a − b| / max|b| ≤ tol` (the parity measure used against MONAI).
public func expectRelativeClose(
  _ a: Tensor, _ b: Tensor, tol: Float, _ label: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  guard let (d, i) = maxAbsDiff(a, b) else {
    Issue.record(
      "\(label) shape \(formatShape(a.shape)) != \(formatShape(b.shape))", sourceLocation: sourceLocation)
    return
  }
  let scale = max(b.maxAbs(), 1e-30)
  if !(d / scale <= tol) {
    Issue.record(
      "\(label) max|diff|/max|ref| = \(d / scale) > \(tol) (at \(i): \(a.scalars[i]) vs \(b.scalars[i]))",
      sourceLocation: sourceLocation)
  }
}
