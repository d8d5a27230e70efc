/// Differentiable sum and mean over axes (PyTorch `sum`/`mean` with `dim` and `keepdim`).

/// The validated, sorted axes for a reduction of a rank-`rank` tensor (nil = all axes).
func reductionAxes(_ op: String, _ axes: [Int]?, shape: [Int]) throws -> [Int] {
  guard let axes else { return Array(shape.indices) }
  guard let norm = normalizedAxes(axes, rank: shape.count) else {
    throw VistaError.badShape(op, shape, expected: "axes \(axes) within -\(shape.count)..<\(shape.count)")
  }
  return norm
}

/// Sum over `axes` (nil = all, giving shape `[]`); `keepDims` keeps reduced dims as 1.
public func sum(_ x: Variable, axes: [Int]? = nil, keepDims: Bool = false) throws -> Variable {
  let ax = try reductionAxes("sum", axes, shape: x.shape)
  let y = sumAxes(x.value, axes: ax, keepDims: keepDims)
  let shape = x.shape
  let kept = reducedShape(shape, axes: ax, keepDims: true)
  return Variable.record(y, op: "sum", inputs: [x]) { g in
    [broadcastCopy(g.withShape(kept), to: shape)]
  }
}

/// Mean over `axes` (nil = all, giving shape `[]`); `keepDims` keeps reduced dims as 1.
public func mean(_ x: Variable, axes: [Int]? = nil, keepDims: Bool = false) throws -> Variable {
  let ax = try reductionAxes("mean", axes, shape: x.shape)
  let count = Float(ax.reduce(1) { $0 * x.shape[$1] })
  let y = mapUnary(sumAxes(x.value, axes: ax, keepDims: keepDims), DivByKernel(s: count))
  let shape = x.shape
  let kept = reducedShape(shape, axes: ax, keepDims: true)
  return Variable.record(y, op: "mean", inputs: [x]) { g in
    [broadcastCopy(mapUnary(g, DivByKernel(s: count)).withShape(kept), to: shape)]
  }
}
