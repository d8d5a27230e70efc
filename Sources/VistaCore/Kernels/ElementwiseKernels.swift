import Foundation

/// Parallel elementwise maps over contiguous tensors, and the math functions' forward/backward.
///
/// Each function is a small struct whose `callAsFunction` the generic loops specialise and inline,
/// so a map is one tight pointer loop per core.

/// A Float → Float function used by `mapUnary`.
protocol UnaryKernel {
  func callAsFunction(_ x: Float) -> Float
}

/// A (Float, Float) → Float function used by `mapBinary` and `broadcastBinary`.
protocol BinaryKernel {
  func callAsFunction(_ a: Float, _ b: Float) -> Float
}

/// Below this many elements a map runs on one core (thread hand-off costs more than it saves).
let elementwiseMinChunk = 32_768

/// `f(x)` elementwise into a new tensor of x's shape, on all cores.
func mapUnary<K: UnaryKernel>(_ x: Tensor, _ f: K) -> Tensor {
  let n = x.count
  return Tensor(shape: x.shape) { out in
    x.withUnsafeBufferPointer { px in
      let p = px.baseAddress!
      let o = out.baseAddress!
      parallelRanges(n, minChunk: elementwiseMinChunk) { r in
        for i in r { o[i] = f(p[i]) }
      }
    }
  }
}

/// `f(a, b)` elementwise for same-count tensors, shaped like `a`, on all cores.
func mapBinary<K: BinaryKernel>(_ a: Tensor, _ b: Tensor, _ f: K) -> Tensor {
  precondition(a.count == b.count, "mapBinary: \(formatShape(a.shape)) vs \(formatShape(b.shape))")
  let n = a.count
  return Tensor(shape: a.shape) { out in
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        let x = pa.baseAddress!
        let y = pb.baseAddress!
        let o = out.baseAddress!
        parallelRanges(n, minChunk: elementwiseMinChunk) { r in
          for i in r { o[i] = f(x[i], y[i]) }
        }
      }
    }
  }
}

// MARK: - Math functions (forward, then backward as g ↦ grad given a saved tensor)

/// `-x`.
struct NegKernel: UnaryKernel {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { -x }
}
/// `x · s`.
struct ScaleKernel: UnaryKernel {
  let s: Float
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x * s }
}
/// `x + s`.
struct ShiftKernel: UnaryKernel {
  let s: Float
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x + s }
}
/// `s / x`.
struct ReciprocalScaleKernel: UnaryKernel {
  let s: Float
  @inline(__always) func callAsFunction(_ x: Float) -> Float { s / x }
}
/// `eˣ`.
struct ExpKernel: UnaryKernel {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { expf(x) }
}
/// `ln x`.
struct LogKernel: UnaryKernel {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { logf(x) }
}
/// `sin x`.
struct SinKernel: UnaryKernel {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { sinf(x) }
}
/// `cos x`.
struct CosKernel: UnaryKernel {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { cosf(x) }
}
/// `√x`.
struct SqrtKernel: UnaryKernel {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x.squareRoot() }
}
/// `x²`.
struct SquareKernel: UnaryKernel {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x * x }
}
/// `|x|`.
struct AbsKernel: UnaryKernel {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x.magnitude }
}
/// `min(max(x, lo), hi)` (NaN passes through, as in PyTorch).
struct ClampKernel: UnaryKernel {
  let lo: Float
  let hi: Float
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x < lo ? lo : (x > hi ? hi : x) }
}

/// Backward of `exp` from its output: `g · y`; also the backward of `mul` by a tensor.
struct MulGradKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { g * y }
}
/// Backward of `log`: `g / x`.
struct LogGradKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { g / x }
}
/// Backward of `sin`: `g · cos x`.
struct SinGradKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { g * cosf(x) }
}
/// Backward of `cos`: `−g · sin x`.
struct CosGradKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { -g * sinf(x) }
}
/// Backward of `sqrt` from its output: `g / (2y)`.
struct SqrtGradKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { g / (2 * y) }
}
/// Backward of `square`: `2 g x`.
struct SquareGradKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { 2 * g * x }
}
/// Backward of `abs`: `g · sign x` (0 at 0, as PyTorch).
struct AbsGradKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float {
    x > 0 ? g : (x < 0 ? -g : 0)
  }
}
/// Backward of `clamp`: `g` where `lo ≤ x ≤ hi`, else 0.
struct ClampGradKernel: BinaryKernel {
  let lo: Float
  let hi: Float
  @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float {
    x >= lo && x <= hi ? g : 0
  }
}
