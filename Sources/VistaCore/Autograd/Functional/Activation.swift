/// Differentiable activations: relu, leaky relu, exact gelu, sigmoid.

/// `max(x, 0)`; backward uses the output as the mask (no extra tensor kept).
public func relu(_ x: Variable) -> Variable {
  let y = mapUnary(x.value, ReLUKernel())
  return Variable.record(y, op: "relu", inputs: [x]) { g in [mapBinary(g, y, ReLUGradKernel())] }
}

/// `x` for `x > 0`, else `slope · x` (PyTorch `leaky_relu`, default slope 0.01).
public func leakyRelu(_ x: Variable, slope: Float = 0.01) -> Variable {
  let y = mapUnary(x.value, LeakyReLUKernel(slope: slope))
  // For slope ≥ 0 the output has the input's sign, so it doubles as the mask.
  let signSource = slope >= 0 ? y : x.value
  return Variable.record(y, op: "leakyRelu", inputs: [x]) { g in
    [mapBinary(g, signSource, LeakyReLUGradKernel(slope: slope))]
  }
}

/// Exact gelu `x · Φ(x)` (erf form, PyTorch's default).
public func gelu(_ x: Variable) -> Variable {
  let xv = x.value
  return Variable.record(mapUnary(xv, GELUKernel()), op: "gelu", inputs: [x]) { g in
    [mapBinary(g, xv, GELUGradKernel())]
  }
}

/// `1 / (1 + e⁻ˣ)`; backward from the output.
public func sigmoid(_ x: Variable) -> Variable {
  let y = mapUnary(x.value, SigmoidKernel())
  return Variable.record(y, op: "sigmoid", inputs: [x]) { g in [mapBinary(g, y, SigmoidGradKernel())] }
}
