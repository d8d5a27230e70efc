/// In-place arithmetic on same-shaped tensors (gradient accumulation, optimizer updates).
extension Tensor {
  /// `self += other`; shapes must match (an internal invariant; callers check user shapes).
  public mutating func addInPlace(_ other: Tensor, scale: Float = 1) {
    precondition(other.count == count, "addInPlace: \(formatShape(shape)) vs \(formatShape(other.shape))")
    let n = count
    scalars.withUnsafeMutableBufferPointer { dst in
      other.scalars.withUnsafeBufferPointer { src in
        let d = dst.baseAddress!
        let s = src.baseAddress!
        if scale == 1 {
          for i in 0..<n { d[i] += s[i] }
        } else {
          for i in 0..<n { d[i] += scale * s[i] }
        }
      }
    }
  }

  /// `self *= factor`.
  public mutating func scaleInPlace(_ factor: Float) {
    let n = count
    scalars.withUnsafeMutableBufferPointer { dst in
      let d = dst.baseAddress!
      for i in 0..<n { d[i] *= factor }
    }
  }

  /// Elementwise map into a new tensor of the same shape.
  public func map(_ f: (Float) -> Float) -> Tensor {
    Tensor(unchecked: shape, scalars.map(f))
  }

  /// Sum of all elements, accumulated in Double.
  public func sum() -> Double {
    var s = 0.0
    for v in scalars { s += Double(v) }
    return s
  }

  /// Largest absolute value (0 for an empty tensor).
  public func maxAbs() -> Float {
    var m: Float = 0
    for v in scalars { m = Swift.max(m, Swift.abs(v)) }
    return m
  }
}
