/// The per-voxel channel dot product of VISTA3D's heads: `einsum("bc,nc...->bn...", e, f)`.
///
/// e: [B, C] (one embedding per class/point), f: [N, C, spatial...] (features) →
/// y: [B, N, spatial...] with y[b, n, v] = Σ_c e[b, c] · f[n, c, v]. Per n this is one GEMM:
///   y[:, n, :] [B × V] (row stride N·V) = e [B × C] · f[n] [C × V].
/// Backward: de = Σₙ g[:, n, :] · f[n]ᵀ;  df[n] = eᵀ · g[:, n, :].

/// `einsum("bc,nc...->bn...", e, f)` on sgemm; gradients for both operands.
public func channelDot(_ e: Variable, _ f: Variable) throws -> Variable {
  let op = "channelDot"
  guard e.shape.count == 2, f.shape.count >= 2, e.shape[1] == f.shape[1] else {
    throw VistaError.shapeMismatch(op, e.shape, f.shape, expected: "e [B, C] and f [N, C, spatial...]")
  }
  let (b, c, n) = (e.shape[0], e.shape[1], f.shape[0])
  let v = f.shape.dropFirst(2).reduce(1, *)
  // Under autocast: 16-bit inputs, float32 accumulation, 16-bit output (see Autocast.swift).
  let cast = Autocast.precision
  let ev = e.value.autocast(cast)
  let fv = f.value.autocast(cast)
  let fShape = f.shape
  let outShape = [b, n] + Array(f.shape.dropFirst(2))
  var y = Tensor(shape: outShape) { out in
    ev.withUnsafeBufferPointer { pe in
      fv.withUnsafeBufferPointer { pf in
        for j in 0..<n {
          BLAS.sgemm(
            m: b, n: v, k: c, a: pe.baseAddress!, lda: c, b: pf.baseAddress! + j * c * v, ldb: v,
            c: out.baseAddress! + j * v, ldc: n * v)
        }
      }
    }
  }
  y.roundInPlace(cast)
  let packedF = e.requiresGrad ? SavedTensor(fv, packedAs: cast) : nil
  let packedE = f.requiresGrad ? SavedTensor(ev, packedAs: cast) : nil
  SavedActivations.note(packedF, inputs: [e, f])
  SavedActivations.note(packedE, inputs: [e, f])
  return Variable.record(y, op: op, inputs: [e, f]) { g in
    let savedF = packedF?.tensor
    let savedE = packedE?.tensor
    var de: Tensor? = nil
    var df: Tensor? = nil
    g.withUnsafeBufferPointer { pg in
      if let savedF {
        var t = Tensor(zeros: [b, c])
        t.withUnsafeMutableBufferPointer { pd in
          savedF.withUnsafeBufferPointer { pf in
            for j in 0..<n {
              BLAS.sgemm(
                transB: true, m: b, n: c, k: v, a: pg.baseAddress! + j * v, lda: n * v,
                b: pf.baseAddress! + j * c * v, ldb: v, beta: 1, c: pd.baseAddress!, ldc: c)
            }
          }
        }
        de = t
      }
      if let savedE {
        df = Tensor(shape: fShape) { pd in
          savedE.withUnsafeBufferPointer { pe in
            for j in 0..<n {
              BLAS.sgemm(
                transA: true, m: c, n: v, k: b, a: pe.baseAddress!, lda: c, b: pg.baseAddress! + j * v,
                ldb: n * v, c: pd.baseAddress! + j * c * v, ldc: v)
            }
          }
        }
      }
    }
    return [de, df]
  }
}
