/// `nn.Linear`: weight [out, in], optional bias [out]; x [..., in] → [..., out].
public final class Linear: Module {
  public let weight: Parameter
  public let bias: Parameter?

  /// Creates the layer under `prefix`.
  public init(_ prefix: String, _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, using rng: inout RandomGenerator) {
    weight = Parameter(key(prefix, "weight"), defaultInit([outFeatures, inFeatures], fanIn: inFeatures, using: &rng))
    self.bias = bias ? Parameter(key(prefix, "bias"), defaultInit([outFeatures], fanIn: inFeatures, using: &rng)) : nil
  }

  public var stateEntries: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

  /// x: [..., in] → [..., out].
  public func callAsFunction(_ x: Variable) throws -> Variable {
    try linear(x, weight: weight.variable, bias: bias?.variable)
  }
}

/// `nn.Embedding`: a [count, dim] table, initialised N(0, 1) as PyTorch does.
public final class Embedding: Module {
  public let weight: Parameter

  /// Creates the table under `prefix` (key `<prefix>.weight`).
  public init(_ prefix: String, count: Int, dim: Int, using rng: inout RandomGenerator) {
    weight = Parameter(key(prefix, "weight"), normalInit([count, dim], using: &rng))
  }

  public var stateEntries: [Parameter] { [weight] }

  /// indices: any shape → [indices.shape..., dim].
  public func callAsFunction(_ indices: IntTensor) throws -> Variable {
    try embedding(weight.variable, indices: indices)
  }
}
