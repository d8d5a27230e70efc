/// Sizes of one 3-D convolution (cross-correlation) over NCDHW volumes.
///
/// Input `[batch, inChannels, inD, inH, inW]`, weight `[outChannels, inChannels, k, k, k]`, output
/// `[batch, outChannels, outD, outH, outW]` with PyTorch's `out = (in + 2·padding − k) / stride + 1`.
/// A ConvTranspose3d is described by the conv it is the adjoint of: that conv's input is the
/// transposed conv's (large) output and its output is the transposed conv's input.
public struct Conv3dGeometry: Sendable, Equatable, CustomStringConvertible {
  /// Samples in the batch (N).
  public var batch: Int
  /// Channels of the conv input (Cin).
  public var inChannels: Int
  /// Channels of the conv output (Cout).
  public var outChannels: Int
  /// Spatial input size (depth, height, width).
  public var inD: Int
  public var inH: Int
  public var inW: Int
  /// Cubic kernel side k.
  public var kernel: Int
  /// Stride along every spatial axis.
  public var stride: Int
  /// Zero padding on both sides of every spatial axis.
  public var padding: Int

  /// Creates the geometry; callers check that the output is at least 1 voxel on each axis.
  public init(
    batch: Int, inChannels: Int, outChannels: Int, inSize: (Int, Int, Int), kernel: Int,
    stride: Int = 1, padding: Int = 0
  ) {
    self.batch = batch
    self.inChannels = inChannels
    self.outChannels = outChannels
    (inD, inH, inW) = inSize
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
  }

  /// Output depth.
  public var outD: Int { Self.outputSize(inD, kernel: kernel, stride: stride, padding: padding) }
  /// Output height.
  public var outH: Int { Self.outputSize(inH, kernel: kernel, stride: stride, padding: padding) }
  /// Output width.
  public var outW: Int { Self.outputSize(inW, kernel: kernel, stride: stride, padding: padding) }

  /// PyTorch's conv output size `(n + 2p − k) / s + 1` (≤ 0 when the input is too small).
  public static func outputSize(_ n: Int, kernel: Int, stride: Int, padding: Int) -> Int {
    let span = n + 2 * padding - kernel
    return span < 0 ? 0 : span / stride + 1
  }

  /// Voxels of one input channel.
  public var inVoxels: Int { inD * inH * inW }
  /// Voxels of one output channel.
  public var outVoxels: Int { outD * outH * outW }
  /// Voxels of one output depth plane.
  public var outPlane: Int { outH * outW }
  /// k³.
  public var kernelVolume: Int { kernel * kernel * kernel }
  /// Rows of the unfolded input (vol2col): Cin·k³, also the weight's row length.
  public var colRows: Int { inChannels * kernelVolume }
  /// True for a 1×1×1 stride-1 unpadded conv, which is a plain matrix product (no unfolding).
  public var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }
  /// True when the output has at least one voxel on every axis.
  public var isValid: Bool {
    batch >= 1 && inChannels >= 1 && outChannels >= 1 && kernel >= 1 && stride >= 1
      && padding >= 0 && outD >= 1 && outH >= 1 && outW >= 1
  }

  /// Multiply-adds ×2 of the forward pass (the same count for each gradient).
  public var flops: Double {
    2 * Double(batch) * Double(outChannels) * Double(outVoxels) * Double(colRows)
  }

  public var description: String {
    "conv \(inChannels)→\(outChannels) k\(kernel) s\(stride) p\(padding) "
      + "\(inD)×\(inH)×\(inW)→\(outD)×\(outH)×\(outW) N=\(batch)"
  }
}
