/// NumPy/PyTorch broadcasting: shape rules, a strided walker and the binary elementwise kernel.
///
/// Shapes are aligned at the right; a dimension of 1 (or a missing leading one) stretches to match.
/// Every kernel walks the output in row-major order, in runs along the last (collapsed) dimension,
/// with one element stride per operand (0 on a broadcast dimension).

/// The broadcast shape of `a` and `b`, or nil when some aligned pair is neither equal nor 1.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
  let rank = max(a.count, b.count)
  var out = [Int](repeating: 1, count: rank)
  for i in 0..<rank {
    let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
    let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
    if da == db || db == 1 {
      out[i] = da
    } else if da == 1 {
      out[i] = db
    } else {
      return nil
    }
  }
  return out
}

/// Element strides of `shape` read as if broadcast to `target` (0 on stretched dimensions).
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
  let lead = target.count - shape.count
  let own = shape.contiguousStrides
  return target.indices.map { i in
    i < lead || shape[i - lead] == 1 ? 0 : own[i - lead]
  }
}

/// An output shape with per-operand strides, adjacent dimensions merged where every operand allows.
struct StridedPlan {
  /// Collapsed output shape (at least one dimension).
  var shape: [Int]
  /// Per operand, its element stride along each collapsed dimension.
  var strides: [[Int]]

  /// Merges dimension i into i+1 whenever `stride[i] == stride[i+1] * shape[i+1]` for every operand.
  init(shape: [Int], strides: [[Int]]) {
    var s: [Int] = []
    var st: [[Int]] = strides.map { _ in [] }
    for i in shape.indices where shape[i] != 1 {
      if let last = s.indices.last,
        strides.indices.allSatisfy({ st[$0][last] == strides[$0][i] * shape[i] })
      {
        s[last] *= shape[i]
        for k in strides.indices { st[k][last] = strides[k][i] }
      } else {
        s.append(shape[i])
        for k in strides.indices { st[k].append(strides[k][i]) }
      }
    }
    if s.isEmpty {
      s = [1]
      st = strides.map { _ in [0] }
    }
    self.shape = s
    self.strides = st
  }

  /// Length of the innermost run.
  var inner: Int { shape[shape.count - 1] }

  /// Calls `body(offsets, runStart, runLength)` for the runs covering output elements `range`.
  ///
  /// `offsets[k]` is operand k's element offset of the run's first element; within the run
  /// operand k advances by `strides[k].last`.
  func forEachRun(in range: Range<Int>, _ body: (_ offsets: [Int], _ out: Int, _ count: Int) -> Void) {
    let inner = self.inner
    var e = range.lowerBound
    var offsets = [Int](repeating: 0, count: strides.count)
    while e < range.upperBound {
      var row = e / inner
      let col = e - row * inner
      for k in strides.indices { offsets[k] = col * strides[k][shape.count - 1] }
      var d = shape.count - 2
      while d >= 0 {
        let i = row % shape[d]
        row /= shape[d]
        for k in strides.indices { offsets[k] += i * strides[k][d] }
        d -= 1
      }
      let n = min(inner - col, range.upperBound - e)
      body(offsets, e, n)
      e += n
    }
  }
}

/// `a + b`.
struct AddKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b }
}
/// `a - b`.
struct SubKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b }
}
/// `a * b`.
struct MulKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b }
}
/// `a / b`.
struct DivKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b }
}

/// `out = F(a, b)` broadcast to `outShape` (which callers computed with `broadcastShape`).
func broadcastBinary<K: BinaryKernel>(_ f: K, _ a: Tensor, _ b: Tensor, outShape: [Int]) -> Tensor {
  let total = outShape.elementCount
  let plan = StridedPlan(
    shape: outShape,
    strides: [broadcastStrides(a.shape, to: outShape), broadcastStrides(b.shape, to: outShape)])
  return Tensor(shape: outShape) { out in
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        let o = out.baseAddress!
        let pA = pa.baseAddress!
        let pB = pb.baseAddress!
        let sa = plan.strides[0][plan.shape.count - 1]
        let sb = plan.strides[1][plan.shape.count - 1]
        parallelRanges(total, minChunk: 32_768) { range in
          plan.forEachRun(in: range) { off, e, n in
            binaryRun(f, pA + off[0], sa, pB + off[1], sb, o + e, n)
          }
        }
      }
    }
  }
}

/// One run of `out[i] = F(a[i·sa], b[i·sb])`, specialised for the unit/zero strides that occur.
@inline(__always)
func binaryRun<K: BinaryKernel>(
  _ f: K, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
  _ out: UnsafeMutablePointer<Float>, _ n: Int
) {
  if sa == 1 && sb == 1 {
    for i in 0..<n { out[i] = f(a[i], b[i]) }
  } else if sa == 1 && sb == 0 {
    let bv = b[0]
    for i in 0..<n { out[i] = f(a[i], bv) }
  } else if sa == 0 && sb == 1 {
    let av = a[0]
    for i in 0..<n { out[i] = f(av, b[i]) }
  } else {
    for i in 0..<n { out[i] = f(a[i &* sa], b[i &* sb]) }
  }
}

/// `x` broadcast (copied) to `shape`; callers checked that it broadcasts.
func broadcastCopy(_ x: Tensor, to shape: [Int]) -> Tensor {
  if x.shape == shape { return x }
  if x.count == shape.elementCount { return Tensor(unchecked: shape, x.scalars) }
  let plan = StridedPlan(shape: shape, strides: [broadcastStrides(x.shape, to: shape)])
  return stridedCopy(x, plan: plan, outShape: shape)
}

/// Gathers `x` through `plan` (one operand) into a new contiguous tensor of `outShape`.
func stridedCopy(_ x: Tensor, plan: StridedPlan, outShape: [Int]) -> Tensor {
  if let t = transposeCopy(x, plan: plan, outShape: outShape) { return t }
  let total = outShape.elementCount
  let s = plan.strides[0][plan.shape.count - 1]
  return Tensor(shape: outShape) { out in
    x.withUnsafeBufferPointer { px in
      let o = out.baseAddress!
      let p = px.baseAddress!
      parallelRanges(total, minChunk: 32_768) { range in
        plan.forEachRun(in: range) { off, e, n in
          let src = p + off[0]
          let dst = o + e
          if s == 1 {
            dst.update(from: src, count: n)
          } else if s == 0 {
            dst.update(repeating: src[0], count: n)
          } else {
            for i in 0..<n { dst[i] = src[i &* s] }
          }
        }
      }
    }
  }
}

/// The gather when it is a (batched) transpose of the last two collapsed dimensions — plan shape
/// [B, R, C] or [R, C] read with strides [sb, 1, sc] — copied in 32×32 tiles, so both sides stay in
/// cache (element-by-element it jumps a whole row of the source per element). Nil for other plans.
func transposeCopy(_ x: Tensor, plan: StridedPlan, outShape: [Int]) -> Tensor? {
  let dims = plan.shape.count
  guard dims == 2 || dims == 3 else { return nil }
  let st = plan.strides[0]
  let (rows, cols) = (plan.shape[dims - 2], plan.shape[dims - 1])
  let (sr, sc) = (st[dims - 2], st[dims - 1])
  guard sr == 1, sc >= rows, rows >= 8, cols >= 8 else { return nil }
  let batch = dims == 3 ? plan.shape[0] : 1
  let sb = dims == 3 ? st[0] : 0
  let tile = 32
  let rowTiles = (rows + tile - 1) / tile
  return Tensor(shape: outShape) { out in
    x.withUnsafeBufferPointer { px in
      let o = out.baseAddress!
      let p = px.baseAddress!
      parallelRanges(batch * rowTiles, minChunk: max(1, 32_768 / (tile * cols))) { range in
        for task in range {
          let b = task / rowTiles
          let i0 = (task - b * rowTiles) * tile
          let i1 = min(rows, i0 + tile)
          let src = p + b * sb
          let dst = o + b * rows * cols
          var j0 = 0
          while j0 < cols {
            let j1 = min(cols, j0 + tile)
            for i in i0..<i1 {
              for j in j0..<j1 { dst[i &* cols &+ j] = src[i &+ j &* sc] }
            }
            j0 = j1
          }
        }
      }
    }
  }
}

/// Sums `g` (shaped like a broadcast result) down to `shape`, the operand's own shape.
func reduceToShape(_ g: Tensor, _ shape: [Int]) -> Tensor {
  if g.shape == shape { return g }
  if g.count == shape.elementCount { return Tensor(unchecked: shape, g.scalars) }
  let lead = g.shape.count - shape.count
  var axes: [Int] = Array(0..<lead)
  for i in shape.indices where shape[i] == 1 && g.shape[lead + i] != 1 { axes.append(lead + i) }
  return sumAxes(g, axes: axes, keepDims: false).withShape(shape)
}

extension Tensor {
  /// The same storage with another shape of equal element count (internal invariant).
  func withShape(_ shape: [Int]) -> Tensor {
    precondition(shape.elementCount == count, "withShape: \(formatShape(self.shape)) -> \(formatShape(shape))")
    return Tensor(unchecked: shape, scalars)
  }
}
