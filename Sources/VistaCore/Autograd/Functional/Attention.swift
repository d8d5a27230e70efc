/// Scaled dot-product attention, composed from matmul, transpose and softmax.

/// `softmax(q · kᵀ / √d) · v` as in VISTA3D's (SAM's) `Attention.forward`.
///
/// q: [..., Tq, d], k: [..., Tk, d], v: [..., Tk, dv] (typically [B, heads, T, d]) → [..., Tq, dv].
/// The scores are divided by `√d` (not multiplied by its inverse) to match PyTorch bit for bit.
public func scaledDotProductAttention(_ q: Variable, _ k: Variable, _ v: Variable) throws -> Variable {
  let op = "scaledDotProductAttention"
  guard q.shape.count >= 2, k.shape.count == q.shape.count, v.shape.count == q.shape.count,
    q.shape.last == k.shape.last, k.shape[k.shape.count - 2] == v.shape[v.shape.count - 2]
  else {
    throw VistaError(
      "\(op): expected q [..., Tq, d], k [..., Tk, d], v [..., Tk, dv], got \(formatShape(q.shape)), "
        + "\(formatShape(k.shape)) and \(formatShape(v.shape))")
  }
  let d = q.shape[q.shape.count - 1]
  let scores = try matmul(q, transpose(k, -2, -1))
  let scaled = try scores / Float(Double(d).squareRoot())
  return try matmul(softmax(scaled, axis: -1), v)
}
