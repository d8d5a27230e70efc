/// An n-d Int32 tensor for labels, indices and class ids (row-major, PyTorch shapes).
public struct IntTensor: Sendable, Equatable {
  /// The extent of each dimension.
  public private(set) var shape: [Int]
  /// The elements in row-major order.
  public internal(set) var scalars: [Int32]

  /// Wraps `scalars` with `shape`; throws when the element count does not match.
  public init(shape: [Int], scalars: [Int32]) throws {
    guard shape.allSatisfy({ $0 >= 0 }), shape.elementCount == scalars.count else {
      throw VistaError(
        "IntTensor: shape \(formatShape(shape)) needs \(shape.elementCount) values, got \(scalars.count)")
    }
    self.shape = shape
    self.scalars = scalars
  }

  init(unchecked shape: [Int], _ scalars: [Int32]) {
    self.shape = shape
    self.scalars = scalars
  }

  /// A 1-d tensor from values.
  public init(_ values: [Int]) { self.init(unchecked: [values.count], values.map { Int32($0) }) }

  /// A zero tensor of `shape`.
  public init(zeros shape: [Int]) { self.init(unchecked: shape, [Int32](repeating: 0, count: shape.elementCount)) }

  /// Number of elements.
  public var count: Int { scalars.count }
  /// Number of dimensions.
  public var rank: Int { shape.count }

  /// The same elements with a new shape (one `-1` allowed). Never copies.
  public func reshaped(_ newShape: [Int]) throws -> IntTensor {
    IntTensor(unchecked: try resolveReshape(newShape, count: count, op: "reshape", from: shape), scalars)
  }

  /// The values as a Float tensor.
  public func toFloat() -> Tensor { Tensor(unchecked: shape, scalars.map { Float($0) }) }
}

extension Tensor {
  /// The values truncated toward zero to Int32.
  public func toInt() -> IntTensor { IntTensor(unchecked: shape, scalars.map { Int32($0) }) }
}
