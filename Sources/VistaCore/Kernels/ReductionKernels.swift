/// Sum over a set of axes, parallel over output elements, accumulated in Double for accuracy.
///
/// The input is viewed as collapsed runs of "kept" and "reduced" dimensions. When the innermost run
/// is reduced, each output element sums contiguous stretches; when it is kept, whole rows of the
/// innermost dimension are added into the output row (so memory is always read in order).

/// Normalises possibly negative `axes` against `rank`, sorted and unique; nil when one is out of range.
func normalizedAxes(_ axes: [Int], rank: Int) -> [Int]? {
  var out = Set<Int>()
  for a in axes {
    let b = a < 0 ? a + rank : a
    guard b >= 0, b < rank else { return nil }
    out.insert(b)
  }
  return out.sorted()
}

/// Shape after reducing `axes` (sorted, valid) of `shape`.
func reducedShape(_ shape: [Int], axes: [Int], keepDims: Bool) -> [Int] {
  var out: [Int] = []
  for i in shape.indices {
    if axes.contains(i) {
      if keepDims { out.append(1) }
    } else {
      out.append(shape[i])
    }
  }
  return out
}

/// `x` summed over `axes` (valid, non-negative); the result has `reducedShape(...)`.
func sumAxes(_ x: Tensor, axes: [Int], keepDims: Bool) -> Tensor {
  let outShape = reducedShape(x.shape, axes: axes, keepDims: keepDims)
  // Collapse the input into alternating kept/reduced groups (size-1 dims dropped).
  var sizes: [Int] = []
  var reduce: [Bool] = []
  for i in x.shape.indices where x.shape[i] != 1 {
    let r = axes.contains(i)
    if let last = reduce.last, last == r {
      sizes[sizes.count - 1] *= x.shape[i]
    } else {
      sizes.append(x.shape[i])
      reduce.append(r)
    }
  }
  let outCount = outShape.elementCount
  if sizes.isEmpty || !reduce.contains(true) {
    return Tensor(unchecked: outShape, x.scalars)
  }
  let strides = sizes.contiguousStrides
  let keptDims = sizes.indices.filter { !reduce[$0] }
  let redDims = sizes.indices.filter { reduce[$0] }
  let innerReduced = reduce[reduce.count - 1]
  let inner = sizes[sizes.count - 1]

  return Tensor(shape: outShape) { out in
    x.withUnsafeBufferPointer { px in
      let p = px.baseAddress!
      let o = out.baseAddress!
      if innerReduced {
        // Output element o ↔ one combination of kept dims; sum all reduced combos of contiguous runs.
        let outerRed = redDims.dropLast().map { sizes[$0] }.reduce(1, *)
        if outCount < parallelWorkers && x.count >= 1 << 18 {
          // Few outputs (a loss-style full reduction): split each output's runs across cores.
          for oi in 0..<outCount {
            var base = 0
            var rem = oi
            for d in keptDims.reversed() {
              base += (rem % sizes[d]) * strides[d]
              rem /= sizes[d]
            }
            let parts = parallelWorkers * 4
            var partial = [Double](repeating: 0, count: parts)
            partial.withUnsafeMutableBufferPointer { acc in
              // Split the outer reduced combos when there are enough, else each contiguous run.
              let splitOuter = outerRed >= parts
              parallelFor(parts) { part in
                var s = 0.0
                let rs = splitOuter ? (outerRed * part / parts)..<(outerRed * (part + 1) / parts) : 0..<outerRed
                let lo = splitOuter ? 0 : inner * part / parts
                let hi = splitOuter ? inner : inner * (part + 1) / parts
                for r in rs {
                  var off = base
                  var rr = r
                  for d in redDims.dropLast().reversed() {
                    off += (rr % sizes[d]) * strides[d]
                    rr /= sizes[d]
                  }
                  s += sumRun(p + off + lo, hi - lo)
                }
                acc[part] = s
              }
            }
            o[oi] = Float(partial.reduce(0, +))
          }
          return
        }
        parallelRanges(outCount, minChunk: max(1, 65_536 / max(1, outerRed * inner))) { range in
          for oi in range {
            var base = 0
            var rem = oi
            for d in keptDims.reversed() {
              base += (rem % sizes[d]) * strides[d]
              rem /= sizes[d]
            }
            var acc = 0.0
            for r in 0..<outerRed {
              var off = base
              var rr = r
              for d in redDims.dropLast().reversed() {
                off += (rr % sizes[d]) * strides[d]
                rr /= sizes[d]
              }
              acc += sumRun(p + off, inner)
            }
            o[oi] = Float(acc)
          }
        }
      } else {
        // Innermost dim kept: output rows of length `inner`; parallel over (outer row, column block).
        let rows = outCount / inner
        let redCount = redDims.map { sizes[$0] }.reduce(1, *)
        let outerKept = keptDims.dropLast()
        let blocks = max(1, min(inner / 256, 2 * parallelWorkers / max(1, rows)))
        let blockLen = (inner + blocks - 1) / blocks
        parallelFor(rows * blocks) { job in
          let row = job / blocks
          let lo = (job % blocks) * blockLen
          let hi = min(inner, lo + blockLen)
          if lo >= hi { return }
          var base = 0
          var rem = row
          for d in outerKept.reversed() {
            base += (rem % sizes[d]) * strides[d]
            rem /= sizes[d]
          }
          let dst = o + row * inner + lo
          dst.update(repeating: 0, count: hi - lo)
          for r in 0..<redCount {
            var off = base + lo
            var rr = r
            for d in redDims.reversed() {
              off += (rr % sizes[d]) * strides[d]
              rr /= sizes[d]
            }
            let src = p + off
            for i in 0..<(hi - lo) { dst[i] += src[i] }
          }
        }
      }
    }
  }
}

/// Sum of `n` contiguous floats: 8 Float lanes per block of 1024, blocks added in Double.
@inline(__always)
func sumRun(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
  var total = 0.0
  var i = 0
  let raw = UnsafeRawPointer(p)
  while i + 8 <= n {
    let end = min(n, i + 1024) & ~7
    var acc = SIMD8<Float>()
    var j = i
    while j + 8 <= end {
      acc += raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
      j &+= 8
    }
    total += Double(acc.sum())
    i = j
  }
  while i < n {
    total += Double(p[i])
    i += 1
  }
  return total
}
