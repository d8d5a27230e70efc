// ConvTranspose3d kernels: the adjoint of conv3d, run on the conv kernels with roles swapped.
//
// A transposed conv with input x [N, Cin, d, h, w], weight [Cin, Cout, k, k, k] (input channel
// first, as PyTorch) and output [N, Cout, D, H, W], D = (d − 1)·s − 2p + k + op, is the input
// gradient of the conv from [N, Cout, D, H, W] to [N, Cin, d, h, w] whose weight [Cin, Cout, k³]
// is the same memory read as a conv weight [Cout_conv = Cin, Cin_conv = Cout, k³]. So:
//   forward      = conv3dBackwardInput(dy: x)      (scatter via col2vol)
//   input grad   = conv3dForward(x: dOut)          (a plain conv)
//   weight grad  = conv3dBackwardWeight(x: dOut, dy: x)

/// The output size of a transposed conv along one axis: `(n − 1)·s − 2p + k + op`.
public func convTranspose3dOutputSize(
  _ n: Int, kernel: Int, stride: Int, padding: Int, outputPadding: Int
) -> Int {
  (n - 1) * stride - 2 * padding + kernel + outputPadding
}

/// The conv whose input gradient is this transposed conv (see the file comment).
///
/// `inSize` is the transposed conv's input size; the result's `inD/inH/inW` are its output size.
public func convTranspose3dGeometry(
  batch: Int, inChannels: Int, outChannels: Int, inSize: (Int, Int, Int), kernel: Int, stride: Int,
  padding: Int, outputPadding: Int
) -> Conv3dGeometry {
  func out(_ n: Int) -> Int {
    convTranspose3dOutputSize(
      n, kernel: kernel, stride: stride, padding: padding, outputPadding: outputPadding)
  }
  return Conv3dGeometry(
    batch: batch, inChannels: outChannels, outChannels: inChannels,
    inSize: (out(inSize.0), out(inSize.1), out(inSize.2)), kernel: kernel, stride: stride,
    padding: padding)
}

/// Forward ConvTranspose3d: `y = convᵀ(x, w) + bias`.
///
/// x: `[N, Cin, d, h, w]`, w: `[Cin, Cout, k, k, k]`, bias: `[Cout]` or nil,
/// y: `[N, Cout, D, H, W]` (overwritten); `g` from `convTranspose3dGeometry`.
public func convTranspose3dForward(
  x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  y: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry, chunkRows: Int? = nil
) {
  conv3dBackwardInput(dy: x, weight: w, dx: y, g, chunkRows: chunkRows)
  if let bias {
    convAddBias(y, bias, batch: g.batch, channels: g.inChannels, voxels: g.inVoxels)
  }
}

/// Input gradient of ConvTranspose3d: `dx = conv(dy, w)` with dy `[N, Cout, D, H, W]`,
/// dx `[N, Cin, d, h, w]` (overwritten).
public func convTranspose3dBackwardInput(
  dy: UnsafePointer<Float>, weight w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
  _ g: Conv3dGeometry, chunkRows: Int? = nil
) {
  conv3dForward(x: dy, weight: w, bias: nil, y: dx, g, chunkRows: chunkRows)
}

/// Weight gradient of ConvTranspose3d: dw `[Cin, Cout, k, k, k]` (overwritten, or added to when
/// `accumulate`) from x `[N, Cin, d, h, w]` and dy `[N, Cout, D, H, W]`.
public func convTranspose3dBackwardWeight(
  x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
  _ g: Conv3dGeometry, accumulate: Bool = false, chunkRows: Int? = nil
) {
  conv3dBackwardWeight(x: dy, dy: x, dw: dw, g, accumulate: accumulate, chunkRows: chunkRows)
}
