/// Differentiable, numerically stable softmax along one axis.

/// The (outer, len, inner) view of `shape` around `axis` (already normalised).
func axisView(_ shape: [Int], _ axis: Int) -> (outer: Int, len: Int, inner: Int) {
  (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
}

/// `axis` made non-negative, or a `VistaError` naming the op and shape.
func normalizedAxis(_ op: String, _ axis: Int, _ shape: [Int]) throws -> Int {
  let a = axis < 0 ? axis + shape.count : axis
  guard a >= 0, a < shape.count else {
    throw VistaError.badShape(op, shape, expected: "axis \(axis) within -\(shape.count)..<\(shape.count)")
  }
  return a
}

/// `exp(x − max) / Σ exp(x − max)` along `axis` (negative counts from the end).
public func softmax(_ x: Variable, axis: Int) throws -> Variable {
  let ax = try normalizedAxis("softmax", axis, x.shape)
  let (outer, len, inner) = axisView(x.shape, ax)
  let xv = x.value
  let y = Tensor(shape: x.shape) { out in
    xv.withUnsafeBufferPointer { px in
      softmaxForward(y: out.baseAddress!, x: px.baseAddress!, outer: outer, len: len, inner: inner)
    }
  }
  return Variable.record(y, op: "softmax", inputs: [x]) { g in
    [
      Tensor(shape: y.shape) { dx in
        g.withUnsafeBufferPointer { pg in
          y.withUnsafeBufferPointer { py in
            softmaxBackward(
              dx: dx.baseAddress!, dy: pg.baseAddress!, y: py.baseAddress!, outer: outer, len: len, inner: inner)
          }
        }
      }
    ]
  }
}
