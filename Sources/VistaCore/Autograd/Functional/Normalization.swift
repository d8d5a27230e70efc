/// Differentiable instance norm (optionally fused with relu / leaky relu) and layer norm.

/// Instance norm: per sample and channel, normalise over space with the biased variance.
///
/// x: [N, C, spatial...] (≥ 1 spatial dim: InstanceNorm1d/2d/3d); weight, bias: [C] or nil.
/// `activation` fuses a following relu / leaky relu into the same memory sweeps (forward and
/// backward); `.identity` is plain `InstanceNorm`. Backward keeps x plus mean and rstd per plane.
public func instanceNorm(
  _ x: Variable, weight: Variable? = nil, bias: Variable? = nil, eps: Float = 1e-5,
  activation: NormActivation = .identity
) throws -> Variable {
  let op = "instanceNorm"
  guard x.shape.count >= 3 else {
    throw VistaError.badShape(op, x.shape, expected: "input [N, C, spatial...] with at least one spatial dim")
  }
  let (n, c) = (x.shape[0], x.shape[1])
  let v = x.shape.dropFirst(2).reduce(1, *)
  for (name, p) in [("weight", weight), ("bias", bias)] {
    if let p, p.shape != [c] {
      throw VistaError.shapeMismatch(op, x.shape, p.shape, expected: "\(name) [C] = [\(c)] for input")
    }
  }
  let xv = x.value
  let wv = weight?.value
  let bv = bias?.value
  var mean = Tensor(zeros: [n * c])
  var rstd = Tensor(zeros: [n * c])
  let y = Tensor(shape: x.shape) { out in
    xv.withUnsafeBufferPointer { px in
      mean.withUnsafeMutableBufferPointer { pm in
        rstd.withUnsafeMutableBufferPointer { pr in
          withOptionalPointer(wv) { pw in
            withOptionalPointer(bv) { pb in
              instanceNormForward(
                y: out.baseAddress!, mean: pm.baseAddress!, rstd: pr.baseAddress!, x: px.baseAddress!,
                weight: pw, bias: pb, n: n, c: c, v: v, eps: eps, activation: activation)
            }
          }
        }
      }
    }
  }
  let needX = x.requiresGrad
  let needW = weight?.requiresGrad ?? false
  let needB = bias?.requiresGrad ?? false
  var inputs = [x]
  if let weight { inputs.append(weight) }
  if let bias { inputs.append(bias) }
  // The norm computes in float32 (autocast's fp32 list). Under autocast its input is usually a
  // conv output already rounded to the 16-bit format: then a packed copy is exact, so backward
  // keeps half the bytes at no cost in accuracy. Other inputs (a residual sum) stay float32.
  var savedX: SavedTensor? = nil
  if GradMode.isEnabled, inputs.contains(where: \.requiresGrad) {
    let pack = Autocast.precision.flatMap { xv.isExactly($0) ? $0 : nil }
    savedX = SavedTensor(xv, packedAs: pack)
  }
  SavedActivations.note(savedX, inputs: inputs)
  let xShape = x.shape
  return Variable.record(y, op: op, inputs: inputs) { g in
    // dx is written completely by the kernel, so it starts uninitialised.
    var dx: Tensor? = needX ? Tensor(shape: xShape) { _ in } : nil
    let xv = savedX!.tensor
    var sumG = Tensor(zeros: [n * c])
    var sumGX = Tensor(zeros: [n * c])
    g.withUnsafeBufferPointer { pg in
      xv.withUnsafeBufferPointer { px in
        mean.withUnsafeBufferPointer { pm in
          rstd.withUnsafeBufferPointer { pr in
            sumG.withUnsafeMutableBufferPointer { psg in
              sumGX.withUnsafeMutableBufferPointer { psgx in
                withOptionalPointer(wv) { pw in
                  withOptionalPointer(bv) { pb in
                    withOptionalMutablePointer(&dx) { pdx in
                      instanceNormBackward(
                        dx: pdx, sumG: psg.baseAddress!, sumGXhat: psgx.baseAddress!, dy: pg.baseAddress!,
                        x: px.baseAddress!, mean: pm.baseAddress!, rstd: pr.baseAddress!, weight: pw,
                        bias: pb, n: n, c: c, v: v, activation: activation)
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    var grads: [Tensor?] = [dx]
    if weight != nil { grads.append(needW ? sumAxes(sumGX.withShape([n, c]), axes: [0], keepDims: false) : nil) }
    if bias != nil { grads.append(needB ? sumAxes(sumG.withShape([n, c]), axes: [0], keepDims: false) : nil) }
    return grads
  }
}

/// Layer norm over the last dimension: x [..., C]; weight, bias: [C] or nil.
public func layerNorm(
  _ x: Variable, weight: Variable? = nil, bias: Variable? = nil, eps: Float = 1e-5
) throws -> Variable {
  let op = "layerNorm"
  guard let c = x.shape.last else {
    throw VistaError.badShape(op, x.shape, expected: "input [..., C] with at least one dim")
  }
  for (name, p) in [("weight", weight), ("bias", bias)] {
    if let p, p.shape != [c] {
      throw VistaError.shapeMismatch(op, x.shape, p.shape, expected: "\(name) [C] = [\(c)] for input")
    }
  }
  let rows = c == 0 ? 0 : x.value.count / c
  let xv = x.value
  let wv = weight?.value
  let bv = bias?.value
  var mean = Tensor(zeros: [rows])
  var rstd = Tensor(zeros: [rows])
  let y = Tensor(shape: x.shape) { out in
    xv.withUnsafeBufferPointer { px in
      mean.withUnsafeMutableBufferPointer { pm in
        rstd.withUnsafeMutableBufferPointer { pr in
          withOptionalPointer(wv) { pw in
            withOptionalPointer(bv) { pb in
              layerNormForward(
                y: out.baseAddress!, mean: pm.baseAddress!, rstd: pr.baseAddress!, x: px.baseAddress!,
                weight: pw, bias: pb, rows: rows, c: c, eps: eps)
            }
          }
        }
      }
    }
  }
  let needX = x.requiresGrad
  let needW = weight?.requiresGrad ?? false
  let needB = bias?.requiresGrad ?? false
  var inputs = [x]
  if let weight { inputs.append(weight) }
  if let bias { inputs.append(bias) }
  return Variable.record(y, op: op, inputs: inputs) { g in
    var dx: Tensor? = needX ? Tensor(zeros: xv.shape) : nil
    var dw: Tensor? = needW ? Tensor(zeros: [c]) : nil
    var db: Tensor? = needB ? Tensor(zeros: [c]) : nil
    g.withUnsafeBufferPointer { pg in
      xv.withUnsafeBufferPointer { px in
        mean.withUnsafeBufferPointer { pm in
          rstd.withUnsafeBufferPointer { pr in
            withOptionalPointer(wv) { pw in
              withOptionalMutablePointer(&dx) { pdx in
                withOptionalMutablePointer(&dw) { pdw in
                  withOptionalMutablePointer(&db) { pdb in
                    layerNormBackward(
                      dx: pdx, dweight: pdw, dbias: pdb, dy: pg.baseAddress!, x: px.baseAddress!,
                      mean: pm.baseAddress!, rstd: pr.baseAddress!, weight: pw, rows: rows, c: c)
                  }
                }
              }
            }
          }
        }
      }
    }
    var grads: [Tensor?] = [dx]
    if weight != nil { grads.append(dw) }
    if bias != nil { grads.append(db) }
    return grads
  }
}

/// Calls `body` with the tensor's base address, or nil for a nil tensor.
func withOptionalPointer<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
  guard let t else { return body(nil) }
  return t.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Calls `body` with the tensor's mutable base address, or nil for a nil tensor.
func withOptionalMutablePointer<R>(_ t: inout Tensor?, _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
  guard t != nil else { return body(nil) }
  return t!.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}
