// conv3d and convTranspose3d as autograd ops (PyTorch's torch.nn.functional semantics).

/// 3-D convolution (cross-correlation, zero padding), PyTorch's `F.conv3d`.
///
/// x: `[N, Cin, D, H, W]`, weight: `[Cout, Cin, k, k, k]`, bias: `[Cout]` →
/// `[N, Cout, (D + 2p − k)/s + 1, …]`. The pullback computes only the gradients that are needed.
public func conv3d(
  _ x: Variable, weight: Variable, bias: Variable? = nil, stride: Int = 1, padding: Int = 0
) throws -> Variable {
  let g = try conv3dGeometry(
    "conv3d", x.shape, weight.shape, bias?.shape, stride: stride, padding: padding)
  // Under autocast: 16-bit inputs, float32 accumulation, 16-bit output (see Autocast.swift).
  let cast = Autocast.precision
  let xc = x.value.autocast(cast)
  var y = conv3dValue(xc, weight.value.autocast(cast), bias?.value.autocast(cast), g)
  y.roundInPlace(cast)
  let needX = x.requiresGrad
  let needW = weight.requiresGrad
  let needB = bias?.requiresGrad ?? false
  // Capture only what backward needs: x for the weight grad (packed under autocast), the weight
  // for the input grad (by reference; rounded again in the pullback).
  let xs = needW ? SavedTensor(xc, packedAs: cast) : nil
  let wv = needX ? weight.value : nil
  let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
  let hasBias = bias != nil  // the pullback must not capture `inputs` (it would keep x alive)
  SavedActivations.note(xs, inputs: inputs)
  return Variable.record(y, op: "conv3d", inputs: inputs) { dy in
    var grads: [Tensor?] = [
      wv.map { conv3dInputGrad(dy, $0.autocast(cast), g) }, xs.map { conv3dWeightGrad($0.tensor, dy, g) },
    ]
    if hasBias {
      grads.append(needB ? convBiasGrad(dy, channels: g.outChannels, g.batch, g.outVoxels) : nil)
    }
    return grads
  }
}

/// 3-D transposed convolution, PyTorch's `F.conv_transpose3d`.
///
/// x: `[N, Cin, d, h, w]`, weight: `[Cin, Cout, k, k, k]` (input channel first), bias: `[Cout]` →
/// `[N, Cout, (d − 1)·s − 2p + k + outputPadding, …]`. VISTA3D upsamples with k3 s2 p1 op1 (×2).
public func convTranspose3d(
  _ x: Variable, weight: Variable, bias: Variable? = nil, stride: Int = 1, padding: Int = 0,
  outputPadding: Int = 0
) throws -> Variable {
  let g = try convTranspose3dGeometry(
    x.shape, weight.shape, bias?.shape, stride: stride, padding: padding,
    outputPadding: outputPadding)
  let cast = Autocast.precision
  let xc = x.value.autocast(cast)
  var y = convTranspose3dValue(xc, weight.value.autocast(cast), bias?.value.autocast(cast), g)
  y.roundInPlace(cast)
  let needX = x.requiresGrad
  let needW = weight.requiresGrad
  let needB = bias?.requiresGrad ?? false
  let xs = needW ? SavedTensor(xc, packedAs: cast) : nil
  let wv = needX ? weight.value : nil
  let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
  let hasBias = bias != nil  // the pullback must not capture `inputs` (it would keep x alive)
  SavedActivations.note(xs, inputs: inputs)
  return Variable.record(y, op: "convTranspose3d", inputs: inputs) { dy in
    // The transposed conv's input grad is the conv's forward; its weight grad swaps roles.
    let outShape = [g.batch, g.outChannels, g.outD, g.outH, g.outW]
    var grads: [Tensor?] = [
      wv.map { conv3dValue(dy, $0.autocast(cast), nil, g, outShape: outShape) },
      xs.map {
        conv3dWeightGrad(dy, $0.tensor, g, weightShape: [g.outChannels, g.inChannels] + kDims(g))
      },
    ]
    if hasBias {
      grads.append(needB ? convBiasGrad(dy, channels: g.inChannels, g.batch, g.inVoxels) : nil)
    }
    return grads
  }
}

// MARK: - Shape checks

/// Validates conv3d shapes and returns the geometry; the errors name the op and both shapes.
func conv3dGeometry(
  _ op: String, _ x: [Int], _ w: [Int], _ b: [Int]?, stride: Int, padding: Int
) throws -> Conv3dGeometry {
  let ws = formatShape(w)
  guard w.count == 5, w[2] == w[3], w[3] == w[4], w.allSatisfy({ $0 >= 1 }) else {
    throw VistaError(
      "\(op): expected weight [Cout, Cin, k, k, k] (cubic kernel) for input \(formatShape(x)), got \(ws)"
    )
  }
  guard x.count == 5, x[1] == w[1], x.allSatisfy({ $0 >= 1 }) else {
    throw VistaError(
      "\(op): expected input [N, \(w[1]), D, H, W] for weight \(ws), got \(formatShape(x))")
  }
  guard stride >= 1, padding >= 0 else {
    throw VistaError(
      "\(op): stride must be ≥ 1 and padding ≥ 0, got stride \(stride), padding \(padding)")
  }
  if let b, b != [w[0]] {
    throw VistaError("\(op): expected bias [\(w[0])] for weight \(ws), got \(formatShape(b))")
  }
  let g = Conv3dGeometry(
    batch: x[0], inChannels: x[1], outChannels: w[0], inSize: (x[2], x[3], x[4]), kernel: w[2],
    stride: stride, padding: padding)
  guard g.isValid else {
    throw VistaError(
      "\(op): input \(formatShape(x)) is too small for weight \(ws) with padding \(padding) "
        + "(each padded spatial size must be at least the kernel size \(w[2]))")
  }
  return g
}

/// Validates convTranspose3d shapes and returns the conv it is the adjoint of.
func convTranspose3dGeometry(
  _ x: [Int], _ w: [Int], _ b: [Int]?, stride: Int, padding: Int, outputPadding: Int
) throws -> Conv3dGeometry {
  let op = "convTranspose3d"
  let ws = formatShape(w)
  guard w.count == 5, w[2] == w[3], w[3] == w[4], w.allSatisfy({ $0 >= 1 }) else {
    throw VistaError(
      "\(op): expected weight [Cin, Cout, k, k, k] (cubic kernel) for input \(formatShape(x)), got \(ws)"
    )
  }
  guard x.count == 5, x[1] == w[0], x.allSatisfy({ $0 >= 1 }) else {
    throw VistaError(
      "\(op): expected input [N, \(w[0]), D, H, W] for weight \(ws), got \(formatShape(x))")
  }
  guard stride >= 1, padding >= 0, outputPadding >= 0, outputPadding < stride else {
    throw VistaError(
      "\(op): need stride ≥ 1, padding ≥ 0 and 0 ≤ outputPadding < stride, got stride \(stride), "
        + "padding \(padding), outputPadding \(outputPadding)")
  }
  if let b, b != [w[1]] {
    throw VistaError("\(op): expected bias [\(w[1])] for weight \(ws), got \(formatShape(b))")
  }
  let g = convTranspose3dGeometry(
    batch: x[0], inChannels: x[1], outChannels: w[1], inSize: (x[2], x[3], x[4]), kernel: w[2],
    stride: stride, padding: padding, outputPadding: outputPadding)
  guard g.inD >= 1, g.inH >= 1, g.inW >= 1, g.isValid else {
    throw VistaError(
      "\(op): input \(formatShape(x)) with weight \(ws), stride \(stride) and padding \(padding) "
        + "gives an empty output [\(g.inD), \(g.inH), \(g.inW)]")
  }
  return g
}

// MARK: - Tensor-level kernels

@inline(__always) private func kDims(_ g: Conv3dGeometry) -> [Int] {
  [g.kernel, g.kernel, g.kernel]
}

/// conv3d forward on tensors; `outShape` defaults to `[N, Cout, outD, outH, outW]`.
func conv3dValue(
  _ x: Tensor, _ w: Tensor, _ b: Tensor?, _ g: Conv3dGeometry, outShape: [Int]? = nil
) -> Tensor {
  let shape = outShape ?? [g.batch, g.outChannels, g.outD, g.outH, g.outW]
  return Tensor(shape: shape) { y in
    x.withUnsafeBufferPointer { px in
      w.withUnsafeBufferPointer { pw in
        if let b {
          b.withUnsafeBufferPointer { pb in
            conv3dForward(
              x: px.baseAddress!, weight: pw.baseAddress!, bias: pb.baseAddress!,
              y: y.baseAddress!, g)
          }
        } else {
          conv3dForward(
            x: px.baseAddress!, weight: pw.baseAddress!, bias: nil, y: y.baseAddress!, g)
        }
      }
    }
  }
}

/// conv3d input gradient `[N, Cin, D, H, W]` (also convTranspose3d's forward without bias).
func conv3dInputGrad(_ dy: Tensor, _ w: Tensor, _ g: Conv3dGeometry) -> Tensor {
  Tensor(shape: [g.batch, g.inChannels, g.inD, g.inH, g.inW]) { dx in
    dy.withUnsafeBufferPointer { pdy in
      w.withUnsafeBufferPointer { pw in
        conv3dBackwardInput(dy: pdy.baseAddress!, weight: pw.baseAddress!, dx: dx.baseAddress!, g)
      }
    }
  }
}

/// conv3d weight gradient, shaped `[Cout, Cin, k, k, k]` unless `weightShape` says otherwise.
func conv3dWeightGrad(
  _ x: Tensor, _ dy: Tensor, _ g: Conv3dGeometry, weightShape: [Int]? = nil
) -> Tensor {
  let shape = weightShape ?? [g.outChannels, g.inChannels, g.kernel, g.kernel, g.kernel]
  return Tensor(shape: shape) { dw in
    x.withUnsafeBufferPointer { px in
      dy.withUnsafeBufferPointer { pdy in
        conv3dBackwardWeight(x: px.baseAddress!, dy: pdy.baseAddress!, dw: dw.baseAddress!, g)
      }
    }
  }
}

/// Bias gradient `[C]`: dy summed over batch and space.
func convBiasGrad(_ dy: Tensor, channels: Int, _ batch: Int, _ voxels: Int) -> Tensor {
  Tensor(shape: [channels]) { db in
    dy.withUnsafeBufferPointer { pdy in
      convBackwardBias(
        dy: pdy.baseAddress!, db: db.baseAddress!, batch: batch, channels: channels, voxels: voxels)
    }
  }
}

/// convTranspose3d forward on tensors: `[N, Cout, D, H, W]`.
func convTranspose3dValue(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ g: Conv3dGeometry) -> Tensor {
  Tensor(shape: [g.batch, g.inChannels, g.inD, g.inH, g.inW]) { y in
    x.withUnsafeBufferPointer { px in
      w.withUnsafeBufferPointer { pw in
        if let b {
          b.withUnsafeBufferPointer { pb in
            convTranspose3dForward(
              x: px.baseAddress!, weight: pw.baseAddress!, bias: pb.baseAddress!,
              y: y.baseAddress!, g)
          }
        } else {
          convTranspose3dForward(
            x: px.baseAddress!, weight: pw.baseAddress!, bias: nil, y: y.baseAddress!, g)
        }
      }
    }
  }
}
