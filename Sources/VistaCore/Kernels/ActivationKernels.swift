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

/// erf(x) as a branch-free rational function that vectorizes (glibc's `erff` is a scalar call, 10× slower
/// in gelu at 64³). x is clamped to ±4, where erf is ±1 in float; x·P(x²)/Q(x²) with the minimax
/// coefficients used by Eigen and XLA. Largest error against erf in double: 4.3e-7 (near |x| = 3.6,
/// where erf ≈ ±1); gelu's error stays below 3e-7 · max(|x|, 1), a few float ulps.
@inline(__always) func erfRational(_ a: Float) -> Float {
  let x = min(max(a, -4), 4)
  let x2 = x * x
  var p: Float = x2 * -2.72614225801306e-10 + 2.77068142495902e-08
  p = x2 * p - 2.10102402082508e-06
  p = x2 * p - 5.69250639462346e-05
  p = x2 * p - 7.34990630326855e-04
  p = x2 * p - 2.95459980854025e-03
  p = x2 * p - 1.60960333262415e-02
  var q: Float = x2 * -1.45660718464996e-05 - 2.13374055278905e-04
  q = x2 * q - 1.68282697438203e-03
  q = x2 * q - 7.37332916720468e-03
  q = x2 * q - 1.42647390514189e-02
  return x * p / q
}

/// gelu: `x · Φ(x) = ½ x (1 + erf(x/√2))` (PyTorch's default `approximate='none'`, with `erfRational`).
struct GELUKernel: UnaryKernel {
  @inline(__always) func callAsFunction(_ x: Float) -> Float {
    0.5 * x * (1 + erfRational(x * 0.70710678118654752))
  }
}
/// gelu backward from the input: `g · (Φ(x) + x φ(x))`.
struct GELUGradKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float {
    let cdf = 0.5 * (1 + erfRational(x * 0.70710678118654752))
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
