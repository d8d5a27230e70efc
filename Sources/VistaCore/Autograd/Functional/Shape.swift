/// Differentiable shape ops: reshape, permute, transpose, concat, slice, indexSelect, broadcast.
///
/// Axes may be negative (counted from the end) as in PyTorch. Reshape never copies; the others
/// produce contiguous copies, and their gradients are the inverse copies.

/// The same elements with a new shape (one `-1` inferred); never copies.
public func reshape(_ x: Variable, _ shape: [Int]) throws -> Variable {
  let y = try x.value.reshaped(shape)
  let original = x.shape
  return Variable.record(y, op: "reshape", inputs: [x]) { g in [g.withShape(original)] }
}

/// `x` with a size-1 dimension inserted at `axis` (PyTorch `unsqueeze`).
public func unsqueeze(_ x: Variable, axis: Int) throws -> Variable {
  let rank = x.shape.count + 1
  let a = axis < 0 ? axis + rank : axis
  guard a >= 0, a < rank else {
    throw VistaError.badShape("unsqueeze", x.shape, expected: "axis \(axis) within -\(rank)..<\(rank)")
  }
  var s = x.shape
  s.insert(1, at: a)
  return try reshape(x, s)
}

/// `x` without its size-1 dimension `axis` (PyTorch `squeeze(dim)`).
public func squeeze(_ x: Variable, axis: Int) throws -> Variable {
  let a = try normalizedAxis("squeeze", axis, x.shape)
  guard x.shape[a] == 1 else {
    throw VistaError.badShape("squeeze", x.shape, expected: "size 1 along axis \(axis)")
  }
  var s = x.shape
  s.remove(at: a)
  return try reshape(x, s)
}

/// Dimensions reordered: result dim i is x's dim `dims[i]` (PyTorch `permute`).
public func permute(_ x: Variable, _ dims: [Int]) throws -> Variable {
  let rank = x.shape.count
  let d = dims.map { $0 < 0 ? $0 + rank : $0 }
  guard d.count == rank, Set(d) == Set(0..<rank) else {
    throw VistaError.badShape("permute", x.shape, expected: "a permutation of its \(rank) dims, got \(dims)")
  }
  if d == Array(0..<rank) { return x }
  let y = permuteCopy(x.value, d)
  var inverse = [Int](repeating: 0, count: rank)
  for (i, v) in d.enumerated() { inverse[v] = i }
  return Variable.record(y, op: "permute", inputs: [x]) { g in [permuteCopy(g, inverse)] }
}

/// `x` with dims `a` and `b` swapped (PyTorch `transpose`).
public func transpose(_ x: Variable, _ a: Int, _ b: Int) throws -> Variable {
  let rank = x.shape.count
  let ia = try normalizedAxis("transpose", a, x.shape)
  let ib = try normalizedAxis("transpose", b, x.shape)
  var dims = Array(0..<rank)
  dims.swapAt(ia, ib)
  return try permute(x, dims)
}

/// Joins tensors along `axis`; all other dims must agree (PyTorch `cat`).
public func concat(_ xs: [Variable], axis: Int) throws -> Variable {
  guard let first = xs.first else { throw VistaError("concat: expected at least one tensor, got none") }
  let ax = try normalizedAxis("concat", axis, first.shape)
  for x in xs.dropFirst() {
    var a = x.shape
    var b = first.shape
    guard a.count == b.count else {
      throw VistaError.shapeMismatch("concat", first.shape, x.shape, expected: "equal ranks")
    }
    a[ax] = 0
    b[ax] = 0
    guard a == b else {
      throw VistaError.shapeMismatch("concat", first.shape, x.shape, expected: "equal sizes except along axis \(axis)")
    }
  }
  let (outer, _, inner) = axisView(first.shape, ax)
  let lens = xs.map { $0.shape[ax] }
  var outShape = first.shape
  outShape[ax] = lens.reduce(0, +)
  let y = concatCopy(xs.map(\.value), outShape: outShape, outer: outer, inner: inner)
  let needs = xs.map(\.requiresGrad)
  let shapes = xs.map(\.shape)
  let total = outShape[ax]
  return Variable.record(y, op: "concat", inputs: xs) { g in
    var start = 0
    return zip(lens, zip(needs, shapes)).map { len, ns in
      defer { start += len }
      guard ns.0 else { return nil }
      return sliceCopy(g, outShape: ns.1, outer: outer, len: total, inner: inner, range: start..<(start + len))
    }
  }
}

/// `x[..., range, ...]` along `axis` (a contiguous copy).
public func slice(_ x: Variable, axis: Int, range: Range<Int>) throws -> Variable {
  let ax = try normalizedAxis("slice", axis, x.shape)
  guard range.lowerBound >= 0, range.upperBound <= x.shape[ax] else {
    throw VistaError.badShape(
      "slice", x.shape, expected: "range \(range.lowerBound)..<\(range.upperBound) within 0..<\(x.shape[ax]) on axis \(axis)")
  }
  let (outer, len, inner) = axisView(x.shape, ax)
  var outShape = x.shape
  outShape[ax] = range.count
  let y = sliceCopy(x.value, outShape: outShape, outer: outer, len: len, inner: inner, range: range)
  let shape = x.shape
  return Variable.record(y, op: "slice", inputs: [x]) { g in
    [sliceBackward(g, shape: shape, outer: outer, len: len, inner: inner, range: range)]
  }
}

/// Entries `indices` (1-d) of `x` along `axis` (PyTorch `index_select`); gradient scatter-adds.
public func indexSelect(_ x: Variable, axis: Int, indices: IntTensor) throws -> Variable {
  let ax = try normalizedAxis("indexSelect", axis, x.shape)
  guard indices.shape.count <= 1 else {
    throw VistaError.badShape("indexSelect", indices.shape, expected: "1-d indices")
  }
  let (outer, len, inner) = axisView(x.shape, ax)
  let idx = indices.scalars
  if let bad = idx.first(where: { $0 < 0 || Int($0) >= len }) {
    throw VistaError(
      "indexSelect: index \(bad) out of range for axis \(axis) of \(formatShape(x.shape)) (valid 0..<\(len))")
  }
  var outShape = x.shape
  outShape[ax] = idx.count
  let y = gatherCopy(x.value, outShape: outShape, outer: outer, len: len, inner: inner, index: idx)
  let shape = x.shape
  return Variable.record(y, op: "indexSelect", inputs: [x]) { g in
    [scatterAdd(g, shape: shape, outer: outer, len: len, inner: inner, index: idx)]
  }
}

/// `x` broadcast (copied) to `shape` (PyTorch `expand`/`broadcast_to`); gradient sums back.
public func broadcast(_ x: Variable, to shape: [Int]) throws -> Variable {
  guard broadcastShape(x.shape, shape) == shape else {
    throw VistaError.shapeMismatch("broadcast", x.shape, shape, expected: "a shape the input broadcasts to")
  }
  let original = x.shape
  return Variable.record(broadcastCopy(x.value, to: shape), op: "broadcast", inputs: [x]) { g in
    [reduceToShape(g, original)]
  }
}
