import Foundation

/// Activation functions with their derivatives, as `mapUnary`/`mapBinary` kernels.
///
/// Backward kernels take `(g, saved)` where `saved` is what the op keeps: relu and leaky relu
/// keep their output (its sign is the mask), sigmoid its output, gelu its input.

/// `max(x, 0)` (NaN stays NaN, as PyTorch).
struct ReLUKernel: UnaryKernel {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x < 0 ? 0 : x }
}
/// relu backward from the output: `g` where `y > 0`, else 0.
struct ReLUGradKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { y > 0 ? g : 0 }
}

/// `x` for `x > 0`, else `slope · x`.
struct LeakyReLUKernel: UnaryKernel {
  let slope: Float
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? x : x * slope }
}
/// leaky relu backward from a tensor whose sign equals the input's: `g` or `slope · g`.
struct LeakyReLUGradKernel: BinaryKernel {
  let slope: Float
  @inline(__always) func callAsFunction(_ g: Float, _ s: Float) -> Float { s > 0 ? g : g * slope }
}

/// Exact gelu: `x · Φ(x) = ½ x (1 + erf(x/√2))` (PyTorch's default `approximate='none'`).
struct GELUKernel: UnaryKernel {
  @inline(__always) func callAsFunction(_ x: Float) -> Float {
    0.5 * x * (1 + erff(x * 0.70710678118654752))
  }
}
/// gelu backward from the input: `g · (Φ(x) + x φ(x))`.
struct GELUGradKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float {
    let cdf = 0.5 * (1 + erff(x * 0.70710678118654752))
    let pdf = expf(-0.5 * x * x) * 0.39894228040143268
    return g * (cdf + x * pdf)
  }
}

/// `1 / (1 + e⁻ˣ)`, evaluated without overflow for large |x|.
struct SigmoidKernel: UnaryKernel {
  @inline(__always) func callAsFunction(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + expf(-x)) }
    let e = expf(x)
    return e / (1 + e)
  }
}
/// sigmoid backward from the output: `g · y (1 − y)`.
struct SigmoidGradKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { g * y * (1 - y) }
}
