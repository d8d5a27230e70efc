/// Port of `monai.networks.nets.segresnet_ds.SegResBlock`: a pre-activation residual block.
///
/// `conv2(relu(norm2(conv1(relu(norm1(x)))))) + x`; 3×3×3 convs without bias, affine instance norms.
public final class SegResBlock: Module {
  let norm1: InstanceNorm
  let conv1: Conv3d
  let norm2: InstanceNorm
  let conv2: Conv3d

  /// Creates the block under `prefix` for `channels` channels (no channel change).
  public init(_ prefix: String, channels: Int, using rng: inout RandomGenerator) {
    norm1 = InstanceNorm(key(prefix, "norm1"), channels: channels, affine: true)
    conv1 = Conv3d(key(prefix, "conv1"), channels, channels, kernel: 3, padding: 1, bias: false, using: &rng)
    norm2 = InstanceNorm(key(prefix, "norm2"), channels: channels, affine: true)
    conv2 = Conv3d(key(prefix, "conv2"), channels, channels, kernel: 3, padding: 1, bias: false, using: &rng)
  }

  public var stateEntries: [Parameter] {
    norm1.stateEntries + conv1.stateEntries + norm2.stateEntries + conv2.stateEntries
  }

  /// x: [N, C, D, H, W] → same shape.
  public func callAsFunction(_ x: Variable) throws -> Variable {
    let h = try conv1(norm1(x, activation: .relu))
    return try conv2(norm2(h, activation: .relu)) + x
  }
}

/// Port of MONAI's `UnetrBasicBlock(res_block=True)` → `UnetResBlock` at stride 1, in = out channels.
///
/// `lrelu(IN(conv2(lrelu(IN(conv1(x))))) + x)`; instance norms without affine, LeakyReLU slope 0.01.
/// Keys: `<prefix>.layer.conv1.conv.weight`, `<prefix>.layer.conv2.conv.weight`.
public final class UnetResBlock: Module {
  let conv1: Conv3d
  let conv2: Conv3d

  /// Creates the block under `prefix`.
  public init(_ prefix: String, channels: Int, using rng: inout RandomGenerator) {
    conv1 = Conv3d(key(prefix, "layer.conv1.conv"), channels, channels, kernel: 3, padding: 1, bias: false, using: &rng)
    conv2 = Conv3d(key(prefix, "layer.conv2.conv"), channels, channels, kernel: 3, padding: 1, bias: false, using: &rng)
  }

  public var stateEntries: [Parameter] { conv1.stateEntries + conv2.stateEntries }

  /// x: [N, C, D, H, W] → same shape.
  public func callAsFunction(_ x: Variable) throws -> Variable {
    let h = try instanceNorm(conv1(x), weight: nil, bias: nil, activation: .leakyReLU(slope: 0.01))
    let h2 = try instanceNorm(conv2(h), weight: nil, bias: nil)
    return try leakyRelu(h2 + x, slope: 0.01)
  }
}
