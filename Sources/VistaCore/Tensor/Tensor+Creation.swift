/// Factories: ranges, random tensors.
extension Tensor {
  /// `[0, 1, …, n-1]` as a 1-d tensor.
  public static func arange(_ n: Int) -> Tensor {
    Tensor(unchecked: [n], (0..<n).map(Float.init))
  }

  /// A 1-d tensor from values.
  public init(_ values: [Float]) { self.init(unchecked: [values.count], values) }

  /// Uniform samples in `[low, high)`.
  public static func uniform(
    _ shape: [Int], low: Float = 0, high: Float = 1, using rng: inout RandomGenerator
  ) -> Tensor {
    var values = [Float](repeating: 0, count: shape.elementCount)
    for i in values.indices { values[i] = low + (high - low) * rng.nextUniform() }
    return Tensor(unchecked: shape, values)
  }

  /// Normal samples with the given mean and standard deviation.
  public static func normal(
    _ shape: [Int], mean: Float = 0, std: Float = 1, using rng: inout RandomGenerator
  ) -> Tensor {
    var values = [Float](repeating: 0, count: shape.elementCount)
    for i in values.indices { values[i] = mean + std * rng.nextNormal() }
    return Tensor(unchecked: shape, values)
  }

  /// Element `index` (one Int per dimension); nil when out of range.
  public func value(at index: [Int]) -> Float? {
    guard index.count == rank else { return nil }
    var flat = 0
    for (i, d) in zip(index, shape) {
      guard i >= 0 && i < d else { return nil }
      flat = flat * d + i
    }
    return scalars[flat]
  }
}
