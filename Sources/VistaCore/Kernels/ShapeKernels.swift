/// Copy kernels behind the shape ops: permute, concat, slice and index gather/scatter.
///
/// Axis-based ops view a tensor as [outer, len, inner] (len = the axis, inner = the product of
/// the dimensions after it), so every copy moves contiguous runs of `inner` or more floats.

/// `x` with dimensions reordered: result dim i is x's dim `dims[i]` (dims valid).
func permuteCopy(_ x: Tensor, _ dims: [Int]) -> Tensor {
  let outShape = dims.map { x.shape[$0] }
  let xs = x.shape.contiguousStrides
  let plan = StridedPlan(shape: outShape, strides: [dims.map { xs[$0] }])
  return stridedCopy(x, plan: plan, outShape: outShape)
}

/// Copies `rows` rows of `n` floats from `src` (row stride `ss`) to `dst` (row stride `ds`).
@inline(__always)
func copyRows(
  _ dst: UnsafeMutablePointer<Float>, _ ds: Int, _ src: UnsafePointer<Float>, _ ss: Int,
  rows: Int, n: Int
) {
  parallelRanges(rows, minChunk: max(1, 65_536 / max(1, n))) { r in
    for row in r { (dst + row &* ds).update(from: src + row &* ss, count: n) }
  }
}

/// Concatenation along an axis: parts are [outer, len_k, inner] → [outer, Σ len_k, inner].
func concatCopy(_ parts: [Tensor], outShape: [Int], outer: Int, inner: Int) -> Tensor {
  let total = parts.reduce(0) { $0 + $1.count } / max(1, outer * inner)
  return Tensor(shape: outShape) { out in
    var offset = 0
    for p in parts {
      let len = p.count / max(1, outer * inner)
      p.withUnsafeBufferPointer { src in
        if len > 0 {
          copyRows(out.baseAddress! + offset * inner, total * inner, src.baseAddress!, len * inner,
                   rows: outer, n: len * inner)
        }
      }
      offset += len
    }
  }
}

/// `x[..., range, ...]` along the middle of [outer, len, inner].
func sliceCopy(_ x: Tensor, outShape: [Int], outer: Int, len: Int, inner: Int, range: Range<Int>) -> Tensor {
  Tensor(shape: outShape) { out in
    x.withUnsafeBufferPointer { src in
      if range.count > 0 {
        copyRows(out.baseAddress!, range.count * inner, src.baseAddress! + range.lowerBound * inner,
                 len * inner, rows: outer, n: range.count * inner)
      }
    }
  }
}

/// Backward of `sliceCopy`: zeros of [outer, len, inner] with `g` written at `range`.
func sliceBackward(_ g: Tensor, shape: [Int], outer: Int, len: Int, inner: Int, range: Range<Int>) -> Tensor {
  var dx = Tensor(zeros: shape)
  dx.withUnsafeMutableBufferPointer { dst in
    g.withUnsafeBufferPointer { src in
      if range.count > 0 {
        copyRows(dst.baseAddress! + range.lowerBound * inner, len * inner, src.baseAddress!,
                 range.count * inner, rows: outer, n: range.count * inner)
      }
    }
  }
  return dx
}

/// Gathers `index` entries (valid) along the middle of [outer, len, inner] → [outer, k, inner].
func gatherCopy(_ x: Tensor, outShape: [Int], outer: Int, len: Int, inner: Int, index: [Int32]) -> Tensor {
  let k = index.count
  return Tensor(shape: outShape) { out in
    x.withUnsafeBufferPointer { src in
      let s = src.baseAddress!
      let o = out.baseAddress!
      parallelRanges(outer * k, minChunk: max(1, 65_536 / max(1, inner))) { r in
        for row in r {
          let b = row / k
          let j = Int(index[row - b * k])
          (o + row &* inner).update(from: s + (b &* len &+ j) &* inner, count: inner)
        }
      }
    }
  }
}

/// Backward of `gatherCopy`: scatter-adds g [outer, k, inner] into zeros [outer, len, inner].
///
/// Parallel over `outer` (repeated indices within one outer block add serially, so no races).
func scatterAdd(_ g: Tensor, shape: [Int], outer: Int, len: Int, inner: Int, index: [Int32]) -> Tensor {
  let k = index.count
  var dx = Tensor(zeros: shape)
  dx.withUnsafeMutableBufferPointer { dst in
    g.withUnsafeBufferPointer { src in
      let d = dst.baseAddress!
      let s = src.baseAddress!
      let work = { (b: Int, cols: Range<Int>) in
        for j in 0..<k {
          let to = d + (b &* len &+ Int(index[j])) &* inner
          let from = s + (b &* k &+ j) &* inner
          for c in cols { to[c] += from[c] }
        }
      }
      if outer >= parallelWorkers {
        parallelFor(outer) { b in work(b, 0..<inner) }
      } else {
        for b in 0..<outer { parallelRanges(inner, minChunk: 4096) { cols in work(b, cols) } }
      }
    }
  }
  return dx
}
