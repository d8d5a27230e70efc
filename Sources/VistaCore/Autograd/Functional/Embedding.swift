/// Differentiable embedding lookup (PyTorch `F.embedding`).

/// Rows of `weight` [num, dim] picked by `indices` → [indices.shape..., dim].
///
/// The gradient scatter-adds into the picked rows (repeated indices add up). An index outside
/// `0..<num` throws a `VistaError` naming it.
public func embedding(_ weight: Variable, indices: IntTensor) throws -> Variable {
  let op = "embedding"
  guard weight.shape.count == 2 else {
    throw VistaError.badShape(op, weight.shape, expected: "weight [num_embeddings, dim]")
  }
  let (num, dim) = (weight.shape[0], weight.shape[1])
  let idx = indices.scalars
  if let bad = idx.first(where: { $0 < 0 || Int($0) >= num }) {
    throw VistaError(
      "\(op): index \(bad) out of range for weight \(formatShape(weight.shape)) (valid 0..<\(num))")
  }
  let y = gatherCopy(weight.value, outShape: indices.shape + [dim], outer: 1, len: num, inner: dim, index: idx)
  let shape = weight.shape
  return Variable.record(y, op: op, inputs: [weight]) { g in
    [scatterAdd(g, shape: shape, outer: 1, len: num, inner: dim, index: idx)]
  }
}
