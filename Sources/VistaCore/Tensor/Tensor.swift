/// An n-d Float32 tensor: contiguous row-major storage with PyTorch's shape conventions.
///
/// Volumes are `[N, C, D, H, W]` (channels-first, as MONAI). Storage is a copy-on-write `[Float]`,
/// so copies are cheap until written and `reshaped` never copies. Views that would need strides
/// (permute, slice) copy.
public struct Tensor: Sendable, Equatable {
  /// The extent of each dimension, outermost first.
  public private(set) var shape: [Int]
  /// The elements in row-major order; `scalars.count == shape.product`.
  public internal(set) var scalars: [Float]

  /// Wraps `scalars` with `shape`; throws when the element count does not match.
  public init(shape: [Int], scalars: [Float]) throws {
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw VistaError("Tensor: negative dimension in shape \(formatShape(shape))")
    }
    guard shape.elementCount == scalars.count else {
      throw VistaError(
        "Tensor: shape \(formatShape(shape)) needs \(shape.elementCount) values, got \(scalars.count)")
    }
    self.shape = shape
    self.scalars = scalars
  }

  /// Internal unchecked init; callers guarantee `shape.elementCount == scalars.count`.
  init(unchecked shape: [Int], _ scalars: [Float]) {
    self.shape = shape
    self.scalars = scalars
  }

  /// A tensor of `shape` filled with `value`.
  public init(repeating value: Float, shape: [Int]) {
    self.shape = shape
    self.scalars = [Float](repeating: value, count: shape.elementCount)
  }

  /// A zero tensor of `shape`.
  public init(zeros shape: [Int]) { self.init(repeating: 0, shape: shape) }

  /// A 0-d tensor holding one number.
  public init(scalar: Float) { self.init(unchecked: [], [scalar]) }

  /// A tensor whose storage `fill` writes completely (no zero fill first).
  ///
  /// `fill` must initialise every one of the `shape.elementCount` elements.
  public init(shape: [Int], fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
    let n = shape.elementCount
    self.shape = shape
    self.scalars = [Float](unsafeUninitializedCapacity: n) { buf, initialized in
      fill(buf)
      initialized = n
    }
  }

  /// Number of dimensions.
  public var rank: Int { shape.count }
  /// Number of elements.
  public var count: Int { scalars.count }

  /// The single value of a one-element tensor.
  public var item: Float? { scalars.count == 1 ? scalars[0] : nil }

  /// Calls `body` with read access to the contiguous elements.
  @inlinable public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R)
    rethrows -> R
  {
    try scalars.withUnsafeBufferPointer(body)
  }

  /// Calls `body` with write access to the contiguous elements (copies first if shared).
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    try scalars.withUnsafeMutableBufferPointer(body)
  }

  /// The same elements with a new shape; one dimension may be `-1` (inferred). Never copies.
  public func reshaped(_ newShape: [Int]) throws -> Tensor {
    let resolved = try resolveReshape(newShape, count: count, op: "reshape", from: shape)
    return Tensor(unchecked: resolved, scalars)
  }

  /// Replaces the shape in place; internal, callers guarantee the count matches.
  mutating func setShapeUnchecked(_ newShape: [Int]) { shape = newShape }
}

/// Resolves a reshape target with at most one `-1`.
func resolveReshape(_ target: [Int], count: Int, op: String, from: [Int]) throws -> [Int] {
  let unknown = target.indices.filter { target[$0] == -1 }
  guard unknown.count <= 1, target.allSatisfy({ $0 >= -1 }) else {
    throw VistaError("\(op): invalid target shape \(formatShape(target)) (one -1 at most, no other negatives)")
  }
  var shape = target
  if let u = unknown.first {
    let known = target.enumerated().filter { $0.offset != u }.reduce(1) { $0 * $1.element }
    guard known > 0, count % known == 0 else {
      throw VistaError("\(op): cannot reshape \(formatShape(from)) (\(count) elements) into \(formatShape(target))")
    }
    shape[u] = count / known
  }
  guard shape.elementCount == count else {
    throw VistaError("\(op): cannot reshape \(formatShape(from)) (\(count) elements) into \(formatShape(target))")
  }
  return shape
}

extension Array where Element == Int {
  /// The product of the dimensions (1 for a 0-d shape).
  public var elementCount: Int { reduce(1, *) }

  /// Row-major strides for this shape, in elements.
  public var contiguousStrides: [Int] {
    var strides = [Int](repeating: 1, count: count)
    var acc = 1
    for i in stride(from: count - 1, through: 0, by: -1) {
      strides[i] = acc
      acc *= self[i]
    }
    return strides
  }
}
