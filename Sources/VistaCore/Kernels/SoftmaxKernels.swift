import Foundation

/// Numerically stable softmax along one axis of x viewed as [outer, len, inner].
///
/// Forward: y = exp(x − max) / Σ exp(x − max) (max and sum per (outer, inner) line).
/// Backward from the output: dx = y · (g − Σ g·y) along the axis.
/// With inner = 1 each line is a contiguous row; otherwise lines are processed in blocks of
/// `softmaxBlock` neighbouring columns so every memory access runs along `inner` (e.g. a channel
/// softmax of [N, C, D, H, W] volumes).

/// Columns handled together when the softmax axis is not the last one.
let softmaxBlock = 512

/// Calls `body(o, columns)` for every (outer index, column block) pair, in parallel.
@inline(__always)
func forEachSoftmaxBlock(outer: Int, len: Int, inner: Int, _ body: (Int, Range<Int>) -> Void) {
  let blocks = (inner + softmaxBlock - 1) / softmaxBlock
  parallelRanges(outer * blocks, minChunk: max(1, 16_384 / max(1, len * min(inner, softmaxBlock)))) { jobs in
    for job in jobs {
      let o = job / blocks
      let lo = (job - o * blocks) * softmaxBlock
      body(o, lo..<min(inner, lo + softmaxBlock))
    }
  }
}

/// Forward; x, y: [outer, len, inner].
func softmaxForward(
  y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, outer: Int, len: Int, inner: Int
) {
  if inner == 1 {
    parallelRanges(outer, minChunk: max(1, 16_384 / max(1, len))) { rows in
      for row in rows {
        let xp = x + row &* len
        let yp = y + row &* len
        var mx = -Float.infinity
        for k in 0..<len { mx = max(mx, xp[k]) }
        if mx == -.infinity { mx = 0 }
        var s: Float = 0
        for k in 0..<len {
          let e = expf(xp[k] - mx)
          yp[k] = e
          s += e
        }
        let inv = 1 / s
        for k in 0..<len { yp[k] *= inv }
      }
    }
    return
  }
  forEachSoftmaxBlock(outer: outer, len: len, inner: inner) { o, cols in
    let n = cols.count
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * n) { tmp in
      let mx = tmp.baseAddress!
      let sum = mx + n
      let base = o &* len &* inner &+ cols.lowerBound
      mx.update(repeating: -.infinity, count: n)
      sum.update(repeating: 0, count: n)
      for k in 0..<len {
        let xp = x + (base &+ k &* inner)
        for i in 0..<n { mx[i] = max(mx[i], xp[i]) }
      }
      for i in 0..<n where mx[i] == -.infinity { mx[i] = 0 }
      for k in 0..<len {
        let xp = x + (base &+ k &* inner)
        let yp = y + (base &+ k &* inner)
        for i in 0..<n {
          let e = expf(xp[i] - mx[i])
          yp[i] = e
          sum[i] += e
        }
      }
      for i in 0..<n { sum[i] = 1 / sum[i] }
      for k in 0..<len {
        let yp = y + (base &+ k &* inner)
        for i in 0..<n { yp[i] *= sum[i] }
      }
    }
  }
}

/// Backward from the saved output; dy, y, dx: [outer, len, inner].
func softmaxBackward(
  dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, y: UnsafePointer<Float>,
  outer: Int, len: Int, inner: Int
) {
  if inner == 1 {
    parallelRanges(outer, minChunk: max(1, 16_384 / max(1, len))) { rows in
      for row in rows {
        let b = row &* len
        var dot: Float = 0
        for k in 0..<len { dot += dy[b &+ k] * y[b &+ k] }
        for k in 0..<len { dx[b &+ k] = y[b &+ k] * (dy[b &+ k] - dot) }
      }
    }
    return
  }
  forEachSoftmaxBlock(outer: outer, len: len, inner: inner) { o, cols in
    let n = cols.count
    withUnsafeTemporaryAllocation(of: Float.self, capacity: n) { tmp in
      let dot = tmp.baseAddress!
      dot.update(repeating: 0, count: n)
      let base = o &* len &* inner &+ cols.lowerBound
      for k in 0..<len {
        let j = base &+ k &* inner
        for i in 0..<n { dot[i] += dy[j &+ i] * y[j &+ i] }
      }
      for k in 0..<len {
        let j = base &+ k &* inner
        for i in 0..<n { dx[j &+ i] = y[j &+ i] * (dy[j &+ i] - dot[i]) }
      }
    }
  }
}
