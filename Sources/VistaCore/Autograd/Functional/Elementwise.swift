/// Differentiable elementwise math: exp, log, sin, cos, sqrt, square, abs, clamp.
///
/// Each pullback keeps one tensor: the output where the derivative is cheapest from it
/// (exp, sqrt), otherwise the input.

/// `eˣ` elementwise.
public func exp(_ x: Variable) -> Variable {
  let y = mapUnary(x.value, ExpKernel())
  return Variable.record(y, op: "exp", inputs: [x]) { g in [mapBinary(g, y, MulGradKernel())] }
}

/// Natural logarithm elementwise.
public func log(_ x: Variable) -> Variable {
  let xv = x.value
  return Variable.record(mapUnary(xv, LogKernel()), op: "log", inputs: [x]) { g in
    [mapBinary(g, xv, LogGradKernel())]
  }
}

/// `sin x` elementwise.
public func sin(_ x: Variable) -> Variable {
  let xv = x.value
  return Variable.record(mapUnary(xv, SinKernel()), op: "sin", inputs: [x]) { g in
    [mapBinary(g, xv, SinGradKernel())]
  }
}

/// `cos x` elementwise.
public func cos(_ x: Variable) -> Variable {
  let xv = x.value
  return Variable.record(mapUnary(xv, CosKernel()), op: "cos", inputs: [x]) { g in
    [mapBinary(g, xv, CosGradKernel())]
  }
}

/// `√x` elementwise.
public func sqrt(_ x: Variable) -> Variable {
  let y = mapUnary(x.value, SqrtKernel())
  return Variable.record(y, op: "sqrt", inputs: [x]) { g in [mapBinary(g, y, SqrtGradKernel())] }
}

/// `x²` elementwise.
public func square(_ x: Variable) -> Variable {
  let xv = x.value
  return Variable.record(mapUnary(xv, SquareKernel()), op: "square", inputs: [x]) { g in
    [mapBinary(g, xv, SquareGradKernel())]
  }
}

/// `|x|` elementwise (gradient 0 at 0, as PyTorch).
public func abs(_ x: Variable) -> Variable {
  let xv = x.value
  return Variable.record(mapUnary(xv, AbsKernel()), op: "abs", inputs: [x]) { g in
    [mapBinary(g, xv, AbsGradKernel())]
  }
}

/// `x` limited to `[min, max]` (either bound optional); gradient passes where x is inside.
public func clamp(_ x: Variable, min lo: Float? = nil, max hi: Float? = nil) -> Variable {
  let k = ClampKernel(lo: lo ?? -.infinity, hi: hi ?? .infinity)
  let xv = x.value
  return Variable.record(mapUnary(xv, k), op: "clamp", inputs: [x]) { g in
    [mapBinary(g, xv, ClampGradKernel(lo: k.lo, hi: k.hi))]
  }
}
