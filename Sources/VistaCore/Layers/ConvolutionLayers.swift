/// `nn.Conv3d`: weight [Cout, Cin, k, k, k], optional bias [Cout]; zero padding.
public final class Conv3d: Module {
  public let weight: Parameter
  public let bias: Parameter?
  public let stride: Int
  public let padding: Int

  /// Creates the layer under `prefix` (keys `<prefix>.weight`, `<prefix>.bias`).
  public init(
    _ prefix: String, _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1,
    padding: Int = 0, bias: Bool = true, using rng: inout RandomGenerator
  ) {
    let fanIn = inChannels * kernel * kernel * kernel
    weight = Parameter(
      key(prefix, "weight"), defaultInit([outChannels, inChannels, kernel, kernel, kernel], fanIn: fanIn, using: &rng))
    self.bias = bias ? Parameter(key(prefix, "bias"), defaultInit([outChannels], fanIn: fanIn, using: &rng)) : nil
    self.stride = stride
    self.padding = padding
  }

  public var stateEntries: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

  /// x: [N, Cin, D, H, W] → [N, Cout, D', H', W'].
  public func callAsFunction(_ x: Variable) throws -> Variable {
    try conv3d(x, weight: weight.variable, bias: bias?.variable, stride: stride, padding: padding)
  }
}

/// `nn.ConvTranspose3d`: weight [Cin, Cout, k, k, k] (input channel first), optional bias [Cout].
public final class ConvTranspose3d: Module {
  public let weight: Parameter
  public let bias: Parameter?
  public let stride: Int
  public let padding: Int
  public let outputPadding: Int

  /// Creates the layer under `prefix`; VISTA3D uses k3 s2 p1 output_padding 1 (doubles each size).
  public init(
    _ prefix: String, _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, padding: Int,
    outputPadding: Int, bias: Bool, using rng: inout RandomGenerator
  ) {
    // PyTorch computes fan_in from weight.size(1) · k³ for transposed convs.
    let fanIn = outChannels * kernel * kernel * kernel
    weight = Parameter(
      key(prefix, "weight"), defaultInit([inChannels, outChannels, kernel, kernel, kernel], fanIn: fanIn, using: &rng))
    self.bias = bias ? Parameter(key(prefix, "bias"), defaultInit([outChannels], fanIn: fanIn, using: &rng)) : nil
    self.stride = stride
    self.padding = padding
    self.outputPadding = outputPadding
  }

  public var stateEntries: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

  /// x: [N, Cin, D, H, W] → [N, Cout, D', H', W'].
  public func callAsFunction(_ x: Variable) throws -> Variable {
    try convTranspose3d(
      x, weight: weight.variable, bias: bias?.variable, stride: stride, padding: padding, outputPadding: outputPadding)
  }
}
