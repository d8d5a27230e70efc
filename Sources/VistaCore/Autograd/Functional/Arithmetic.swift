/// Elementwise add/sub/mul/div with NumPy/PyTorch broadcasting, scalar forms and operators.
///
/// Gradients of a broadcast operand are summed over the dimensions it was stretched along.
/// Each pullback captures only the operand values its gradients need.

/// The broadcast shape of two operands, or a `VistaError` naming the op and both shapes.
func broadcastOrThrow(_ op: String, _ a: [Int], _ b: [Int]) throws -> [Int] {
  guard let s = broadcastShape(a, b) else {
    throw VistaError.shapeMismatch(op, a, b, expected: "broadcastable shapes")
  }
  return s
}

/// `k(a, b)` broadcast to `shape` (a plain parallel map when the shapes already agree).
func applyBinary<K: BinaryKernel>(_ k: K, _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
  a.shape == b.shape ? mapBinary(a, b, k) : broadcastBinary(k, a, b, outShape: shape)
}

/// `a + b` with broadcasting.
public func add(_ a: Variable, _ b: Variable) throws -> Variable {
  let shape = try broadcastOrThrow("add", a.shape, b.shape)
  let y = applyBinary(AddKernel(), a.value, b.value, shape: shape)
  let (sa, sb, ra, rb) = (a.shape, b.shape, a.requiresGrad, b.requiresGrad)
  return Variable.record(y, op: "add", inputs: [a, b]) { g in
    [ra ? reduceToShape(g, sa) : nil, rb ? reduceToShape(g, sb) : nil]
  }
}

/// `a − b` with broadcasting.
public func sub(_ a: Variable, _ b: Variable) throws -> Variable {
  let shape = try broadcastOrThrow("sub", a.shape, b.shape)
  let y = applyBinary(SubKernel(), a.value, b.value, shape: shape)
  let (sa, sb, ra, rb) = (a.shape, b.shape, a.requiresGrad, b.requiresGrad)
  return Variable.record(y, op: "sub", inputs: [a, b]) { g in
    [ra ? reduceToShape(g, sa) : nil, rb ? mapUnary(reduceToShape(g, sb), NegKernel()) : nil]
  }
}

/// `a · b` elementwise with broadcasting.
public func mul(_ a: Variable, _ b: Variable) throws -> Variable {
  let shape = try broadcastOrThrow("mul", a.shape, b.shape)
  let y = applyBinary(MulKernel(), a.value, b.value, shape: shape)
  let (sa, sb) = (a.shape, b.shape)
  let av: Tensor? = b.requiresGrad ? a.value : nil
  let bv: Tensor? = a.requiresGrad ? b.value : nil
  return Variable.record(y, op: "mul", inputs: [a, b]) { g in
    [
      bv.map { reduceToShape(applyBinary(MulKernel(), g, $0, shape: shape), sa) },
      av.map { reduceToShape(applyBinary(MulKernel(), g, $0, shape: shape), sb) },
    ]
  }
}

/// `a / b` elementwise with broadcasting.
public func div(_ a: Variable, _ b: Variable) throws -> Variable {
  let shape = try broadcastOrThrow("div", a.shape, b.shape)
  let y = applyBinary(DivKernel(), a.value, b.value, shape: shape)
  let (sa, sb, ra, rb) = (a.shape, b.shape, a.requiresGrad, b.requiresGrad)
  let av: Tensor? = rb ? a.value : nil
  let bv = b.value
  return Variable.record(y, op: "div", inputs: [a, b]) { g in
    // d/da = g / b;  d/db = −g·a / b² = −(g / b)·a / b.
    let gb = applyBinary(DivKernel(), g, bv, shape: shape)
    var db: Tensor? = nil
    if let av {
      let t = applyBinary(DivKernel(), applyBinary(MulKernel(), gb, av, shape: shape), bv, shape: shape)
      db = mapUnary(reduceToShape(t, sb), NegKernel())
    }
    return [ra ? reduceToShape(gb, sa) : nil, db]
  }
}

/// `−x`.
public func neg(_ x: Variable) -> Variable {
  Variable.record(mapUnary(x.value, NegKernel()), op: "neg", inputs: [x]) { g in
    [mapUnary(g, NegKernel())]
  }
}

/// `x · s` for a constant s.
public func scale(_ x: Variable, _ s: Float) -> Variable {
  Variable.record(mapUnary(x.value, ScaleKernel(s: s)), op: "scale", inputs: [x]) { g in
    [mapUnary(g, ScaleKernel(s: s))]
  }
}

/// `x + s` for a constant s.
public func shift(_ x: Variable, _ s: Float) -> Variable {
  Variable.record(mapUnary(x.value, ShiftKernel(s: s)), op: "shift", inputs: [x]) { g in [g] }
}

/// `s / x` for a constant s.
public func reciprocal(_ x: Variable, scale s: Float = 1) -> Variable {
  let xv = x.value
  return Variable.record(mapUnary(xv, ReciprocalScaleKernel(s: s)), op: "reciprocal", inputs: [x]) { g in
    // d(s/x)/dx = −s / x².
    [mapBinary(g, xv, ReciprocalGradKernel(s: s))]
  }
}

/// Backward of `s / x`: `−g·s / x²`.
struct ReciprocalGradKernel: BinaryKernel {
  let s: Float
  @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { -g * s / (x * x) }
}

/// `x / s` (a true division, so results match PyTorch bit for bit).
struct DivByKernel: UnaryKernel {
  let s: Float
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x / s }
}

extension Variable {
  /// `a + b` with broadcasting.
  public static func + (a: Variable, b: Variable) throws -> Variable { try add(a, b) }
  /// `a − b` with broadcasting.
  public static func - (a: Variable, b: Variable) throws -> Variable { try sub(a, b) }
  /// `a · b` elementwise with broadcasting.
  public static func * (a: Variable, b: Variable) throws -> Variable { try mul(a, b) }
  /// `a / b` elementwise with broadcasting.
  public static func / (a: Variable, b: Variable) throws -> Variable { try div(a, b) }

  /// `a + s`.
  public static func + (a: Variable, s: Float) throws -> Variable { shift(a, s) }
  /// `s + a`.
  public static func + (s: Float, a: Variable) throws -> Variable { shift(a, s) }
  /// `a − s`.
  public static func - (a: Variable, s: Float) throws -> Variable { shift(a, -s) }
  /// `s − a`.
  public static func - (s: Float, a: Variable) throws -> Variable { shift(neg(a), s) }
  /// `a · s`.
  public static func * (a: Variable, s: Float) throws -> Variable { scale(a, s) }
  /// `s · a`.
  public static func * (s: Float, a: Variable) throws -> Variable { scale(a, s) }
  /// `a / s`.
  public static func / (a: Variable, s: Float) throws -> Variable {
    Variable.record(mapUnary(a.value, DivByKernel(s: s)), op: "div", inputs: [a]) { g in
      [mapUnary(g, DivByKernel(s: s))]
    }
  }
  /// `s / a`.
  public static func / (s: Float, a: Variable) throws -> Variable { reciprocal(a, scale: s) }

  /// `−x`.
  public static prefix func - (x: Variable) -> Variable { neg(x) }
}
