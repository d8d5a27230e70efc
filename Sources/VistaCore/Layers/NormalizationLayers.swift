/// `nn.InstanceNorm3d` (and MONAI's "instance" norm): per-sample, per-channel statistics over space.
///
/// Biased variance, eps 1e-5, no running statistics (eval = train). Affine weight/bias only when asked.
public final class InstanceNorm: Module {
  public let weight: Parameter?
  public let bias: Parameter?
  public let eps: Float

  /// Creates the norm under `prefix`; `affine: true` adds `<prefix>.weight` (ones) and `.bias` (zeros).
  public init(_ prefix: String, channels: Int, affine: Bool, eps: Float = 1e-5) {
    weight = affine ? Parameter(key(prefix, "weight"), Tensor(repeating: 1, shape: [channels])) : nil
    bias = affine ? Parameter(key(prefix, "bias"), Tensor(zeros: [channels])) : nil
    self.eps = eps
  }

  public var stateEntries: [Parameter] { [weight, bias].compactMap { $0 } }

  /// x: [N, C, spatial...] → same shape; `activation` fuses a following relu / leaky relu.
  public func callAsFunction(_ x: Variable, activation: NormActivation = .identity) throws -> Variable {
    try instanceNorm(x, weight: weight?.variable, bias: bias?.variable, eps: eps, activation: activation)
  }
}

/// `nn.LayerNorm` over the last dimension, with affine weight and bias.
public final class LayerNorm: Module {
  public let weight: Parameter
  public let bias: Parameter
  public let eps: Float

  /// Creates the norm under `prefix` for a last dimension of `dim`.
  public init(_ prefix: String, dim: Int, eps: Float = 1e-5) {
    weight = Parameter(key(prefix, "weight"), Tensor(repeating: 1, shape: [dim]))
    bias = Parameter(key(prefix, "bias"), Tensor(zeros: [dim]))
    self.eps = eps
  }

  public var stateEntries: [Parameter] { [weight, bias] }

  /// x: [..., dim] → same shape.
  public func callAsFunction(_ x: Variable) throws -> Variable {
    try layerNorm(x, weight: weight.variable, bias: bias.variable, eps: eps)
  }
}
