/// Differentiable linear layer and (batched) matrix product on OpenBLAS sgemm.

/// `y = x · Wᵀ + b` (PyTorch `F.linear`): x [..., in], weight [out, in], bias [out] → [..., out].
public func linear(_ x: Variable, weight: Variable, bias: Variable? = nil) throws -> Variable {
  let op = "linear"
  guard weight.shape.count == 2, let inF = x.shape.last, inF == weight.shape[1] else {
    throw VistaError.shapeMismatch(op, x.shape, weight.shape, expected: "input [..., in] and weight [out, in]")
  }
  let outF = weight.shape[0]
  if let bias, bias.shape != [outF] {
    throw VistaError.shapeMismatch(op, weight.shape, bias.shape, expected: "bias [out] = [\(outF)] for weight")
  }
  let rows = x.shape.dropLast().reduce(1, *)
  let outShape = Array(x.shape.dropLast()) + [outF]
  // Under autocast: 16-bit inputs, float32 accumulation, 16-bit output (see Autocast.swift).
  let cast = Autocast.precision
  let xv = x.value.autocast(cast)
  let wv = weight.value.autocast(cast)
  let bv = bias?.value.autocast(cast)
  var y = Tensor(shape: outShape) { out in
    let o = out.baseAddress!
    if let bv {
      bv.withUnsafeBufferPointer { pb in
        for r in 0..<rows { (o + r * outF).update(from: pb.baseAddress!, count: outF) }
      }
    }
    xv.withUnsafeBufferPointer { px in
      wv.withUnsafeBufferPointer { pw in
        BLAS.sgemm(
          transB: true, m: rows, n: outF, k: inF, a: px.baseAddress!, lda: inF, b: pw.baseAddress!,
          ldb: inF, beta: bv == nil ? 0 : 1, c: o, ldc: outF)
      }
    }
  }
  y.roundInPlace(cast)
  let needX = x.requiresGrad
  let needW = weight.requiresGrad
  let needB = bias?.requiresGrad ?? false
  let xShape = x.shape
  let packedX = needW ? SavedTensor(xv, packedAs: cast) : nil
  let weightValue: Tensor? = needX ? weight.value : nil
  var inputs = [x, weight]
  if let bias { inputs.append(bias) }
  SavedActivations.note(packedX, inputs: inputs)
  return Variable.record(y, op: op, inputs: inputs) { g in
    var grads: [Tensor?] = [nil, nil]
    let savedX = packedX?.tensor
    let savedW = weightValue?.autocast(cast)
    g.withUnsafeBufferPointer { pg in
      if let savedW {
        grads[0] = Tensor(shape: xShape) { dx in
          savedW.withUnsafeBufferPointer { pw in
            BLAS.sgemm(
              m: rows, n: inF, k: outF, a: pg.baseAddress!, lda: outF, b: pw.baseAddress!, ldb: inF,
              c: dx.baseAddress!, ldc: inF)
          }
        }
      }
      if let savedX {
        grads[1] = Tensor(shape: [outF, inF]) { dw in
          savedX.withUnsafeBufferPointer { px in
            BLAS.sgemm(
              transA: true, m: outF, n: inF, k: rows, a: pg.baseAddress!, lda: outF, b: px.baseAddress!,
              ldb: inF, c: dw.baseAddress!, ldc: inF)
          }
        }
      }
    }
    if bias != nil {
      grads.append(needB ? sumAxes(g.withShape([rows, outF]), axes: [0], keepDims: false) : nil)
    }
    return grads
  }
}

/// Matrix product with `torch.matmul` semantics for rank ≥ 2: a [..., M, K] · b [..., K, N].
///
/// Batch dimensions broadcast; a 2-d `b` folds a's batch into one large GEMM.
public func matmul(_ a: Variable, _ b: Variable) throws -> Variable {
  let op = "matmul"
  guard a.shape.count >= 2, b.shape.count >= 2, a.shape[a.shape.count - 1] == b.shape[b.shape.count - 2]
  else {
    throw VistaError.shapeMismatch(op, a.shape, b.shape, expected: "[..., M, K] and [..., K, N]")
  }
  let (m, k) = (a.shape[a.shape.count - 2], a.shape[a.shape.count - 1])
  let n = b.shape[b.shape.count - 1]
  let batchA = Array(a.shape.dropLast(2))
  let batchB = Array(b.shape.dropLast(2))
  guard let batch = broadcastShape(batchA, batchB) else {
    throw VistaError.shapeMismatch(op, a.shape, b.shape, expected: "broadcastable batch dimensions")
  }
  let plan = MatmulPlan(batch: batch, batchA: batchA, batchB: batchB, m: m, k: k, n: n)
  // Under autocast: 16-bit inputs, float32 accumulation, 16-bit output (see Autocast.swift).
  let cast = Autocast.precision
  let av = a.value.autocast(cast)
  let bv = b.value.autocast(cast)
  var y = Tensor(shape: batch + [m, n]) { out in plan.forward(out.baseAddress!, av, bv) }
  y.roundInPlace(cast)
  let (shapeA, shapeB) = (a.shape, b.shape)
  let savedA = b.requiresGrad ? SavedTensor(av, packedAs: cast) : nil
  let savedB = a.requiresGrad ? SavedTensor(bv, packedAs: cast) : nil
  SavedActivations.note(savedA, inputs: [a, b])
  SavedActivations.note(savedB, inputs: [a, b])
  return Variable.record(y, op: op, inputs: [a, b]) { g in
    [
      savedB.map { plan.gradA(g, $0.tensor, shape: shapeA) },
      savedA.map { plan.gradB(g, $0.tensor, shape: shapeB) },
    ]
  }
}

/// The batch layout of a broadcast matmul: for output batch i, the batch offsets into a and b.
struct MatmulPlan {
  let count: Int
  let offsetsA: [Int]
  let offsetsB: [Int]
  let m: Int, k: Int, n: Int
  /// True when b is shared by every batch and a is not broadcast: one GEMM with M·batch rows.
  let foldA: Bool

  init(batch: [Int], batchA: [Int], batchB: [Int], m: Int, k: Int, n: Int) {
    (self.m, self.k, self.n) = (m, k, n)
    count = batch.elementCount
    let sa = broadcastStrides(batchA, to: batch)
    let sb = broadcastStrides(batchB, to: batch)
    let bs = batch.contiguousStrides
    offsetsA = (0..<count).map { i in batch.indices.reduce(0) { $0 + (i / bs[$1] % batch[$1]) * sa[$1] } * m * k }
    offsetsB = (0..<count).map { i in batch.indices.reduce(0) { $0 + (i / bs[$1] % batch[$1]) * sb[$1] } * k * n }
    foldA = batchB.elementCount == 1 && batchA.elementCount == count
  }

  /// out[i] = a[ia] · b[ib].
  func forward(_ out: UnsafeMutablePointer<Float>, _ a: Tensor, _ b: Tensor) {
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        if foldA {
          BLAS.sgemm(m: m * count, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: out, ldc: n)
          return
        }
        for i in 0..<count {
          BLAS.sgemm(
            m: m, n: n, k: k, a: pa.baseAddress! + offsetsA[i], lda: k, b: pb.baseAddress! + offsetsB[i],
            ldb: n, c: out + i * m * n, ldc: n)
        }
      }
    }
  }

  /// da[ia] += g[i] · b[ib]ᵀ.
  func gradA(_ g: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
    var da = Tensor(zeros: shape)
    da.withUnsafeMutableBufferPointer { pd in
      g.withUnsafeBufferPointer { pg in
        b.withUnsafeBufferPointer { pb in
          if foldA {
            BLAS.sgemm(
              transB: true, m: m * count, n: k, k: n, a: pg.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
              c: pd.baseAddress!, ldc: k)
            return
          }
          for i in 0..<count {
            BLAS.sgemm(
              transB: true, m: m, n: k, k: n, a: pg.baseAddress! + i * m * n, lda: n,
              b: pb.baseAddress! + offsetsB[i], ldb: n, beta: 1, c: pd.baseAddress! + offsetsA[i], ldc: k)
          }
        }
      }
    }
    return da
  }

  /// db[ib] += a[ia]ᵀ · g[i].
  func gradB(_ g: Tensor, _ a: Tensor, shape: [Int]) -> Tensor {
    var db = Tensor(zeros: shape)
    db.withUnsafeMutableBufferPointer { pd in
      g.withUnsafeBufferPointer { pg in
        a.withUnsafeBufferPointer { pa in
          if foldA {
            BLAS.sgemm(
              transA: true, m: k, n: n, k: m * count, a: pa.baseAddress!, lda: k, b: pg.baseAddress!, ldb: n,
              c: pd.baseAddress!, ldc: n)
            return
          }
          for i in 0..<count {
            BLAS.sgemm(
              transA: true, m: k, n: n, k: m, a: pa.baseAddress! + offsetsA[i], lda: k,
              b: pg.baseAddress! + i * m * n, ldb: n, beta: 1, c: pd.baseAddress! + offsetsB[i], ldc: n)
          }
        }
      }
    }
    return db
  }
}
