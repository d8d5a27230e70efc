import Foundation

/// Numerically stable softmax along one axis of x viewed as [outer, len, inner].
///
/// Forward: y = exp(x − max) / Σ exp(x − max) (max and sum per (outer, inner) line).
/// Backward from the output: dx = y · (g − Σ g·y) along the axis.

/// Forward; x, y: [outer, len, inner].
func softmaxForward(
  y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, outer: Int, len: Int, inner: Int
) {
  parallelRanges(outer * inner, minChunk: max(1, 8192 / max(1, len))) { lines in
    for line in lines {
      let o = line / inner
      let i = line - o * inner
      let base = o &* len &* inner &+ i
      var mx = -Float.infinity
      for k in 0..<len { mx = max(mx, x[base &+ k &* inner]) }
      if mx == -.infinity { mx = 0 }
      var s: Float = 0
      for k in 0..<len {
        let e = expf(x[base &+ k &* inner] - mx)
        y[base &+ k &* inner] = e
        s += e
      }
      let inv = 1 / s
      for k in 0..<len { y[base &+ k &* inner] *= inv }
    }
  }
}

/// Backward from the saved output; dy, y, dx: [outer, len, inner].
func softmaxBackward(
  dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, y: UnsafePointer<Float>,
  outer: Int, len: Int, inner: Int
) {
  parallelRanges(outer * inner, minChunk: max(1, 8192 / max(1, len))) { lines in
    for line in lines {
      let o = line / inner
      let i = line - o * inner
      let base = o &* len &* inner &+ i
      var dot: Float = 0
      for k in 0..<len { dot += dy[base &+ k &* inner] * y[base &+ k &* inner] }
      for k in 0..<len {
        let j = base &+ k &* inner
        dx[j] = y[j] * (dy[j] - dot)
      }
    }
  }
}
