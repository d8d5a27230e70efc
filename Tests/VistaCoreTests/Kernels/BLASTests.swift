import Testing

@testable import VistaCore

/// Row-major sgemm (split over the cores, or on one core through oneDNN or OpenBLAS) against a plain loop.
@Suite struct BLASTests {
  /// C = alpha·op(A)·op(B) + beta·C by a double-precision triple loop.
  static func reference(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int,
    b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int
  ) -> [Float] {
    var out = c
    for i in 0..<m {
      for j in 0..<n {
        var s = 0.0
        for p in 0..<k {
          let av = transA ? a[p * lda + i] : a[i * lda + p]
          let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
          s += Double(av) * Double(bv)
        }
        out[i * ldc + j] = Float(Double(alpha) * s + Double(beta) * Double(c[i * ldc + j]))
      }
    }
    return out
  }

  /// (transA, transB, m): m ≥ 96 sends a serial Bᵀ product to oneDNN, smaller m to OpenBLAS.
  @Test(arguments: [
    (false, false, 13), (true, false, 13), (false, true, 13), (true, true, 13),
    (false, true, 100), (true, true, 100),
  ])
  func serialAndThreadedMatchALoop(_ c: (Bool, Bool, Int)) throws {
    let (transA, transB, m) = c
    let (n, k) = (37, 29)
    // Padded leading dimensions, as the conv kernels pass for windows into a larger buffer.
    let lda = (transA ? m : k) + 3
    let ldb = (transB ? k : n) + 5
    let ldc = n + 2
    var rng = RandomGenerator(seed: 7)
    let a = (0..<((transA ? k : m) * lda)).map { _ in rng.nextUniform() - 0.5 }
    let b = (0..<((transB ? n : k) * ldb)).map { _ in rng.nextUniform() - 0.5 }
    let c0 = (0..<(m * ldc)).map { _ in rng.nextUniform() - 0.5 }
    let want = Self.reference(
      transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.75, a: a, lda: lda, b: b,
      ldb: ldb, beta: 0.5, c: c0, ldc: ldc)
    for serial in [false, true] {
      var c = c0
      a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
          c.withUnsafeMutableBufferPointer { cp in
            BLAS.sgemm(
              serial: serial, transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.75,
              a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb, beta: 0.5,
              c: cp.baseAddress!, ldc: ldc)
          }
        }
      }
      let err = zip(c, want).map { abs($0 - $1) }.max() ?? 0
      #expect(err < 1e-5, "serial=\(serial) transA=\(transA) transB=\(transB): max error \(err)")
    }
  }

  /// Large non-serial products are split over the cores by columns (n ≥ m) or rows, in every
  /// transpose combination; the parts depend on the shape only, so repeating a call repeats its bits.
  @Test(arguments: [
    (false, false, 70, 300), (true, false, 70, 300), (false, true, 70, 300), (true, true, 70, 300),
    (false, false, 300, 70), (true, false, 300, 70), (false, true, 300, 70), (true, true, 300, 70),
  ])
  func splitProductsMatchALoopAndRepeatExactly(_ c: (Bool, Bool, Int, Int)) throws {
    let (transA, transB, m, n) = c
    let k = 20
    #expect(BLAS.threadedParts(m: m, n: n, k: k) == parallelWorkers)
    let lda = (transA ? m : k) + 1
    let ldb = (transB ? k : n) + 2
    let ldc = n + 3
    var rng = RandomGenerator(seed: 9)
    let a = (0..<((transA ? k : m) * lda)).map { _ in rng.nextUniform() - 0.5 }
    let b = (0..<((transB ? n : k) * ldb)).map { _ in rng.nextUniform() - 0.5 }
    let c0 = (0..<(m * ldc)).map { _ in rng.nextUniform() - 0.5 }
    let want = Self.reference(
      transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1.5, a: a, lda: lda, b: b,
      ldb: ldb, beta: -0.5, c: c0, ldc: ldc)
    var runs: [[Float]] = []
    for _ in 0..<2 {
      var c = c0
      a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
          c.withUnsafeMutableBufferPointer { cp in
            BLAS.sgemm(
              transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1.5, a: ap.baseAddress!, lda: lda,
              b: bp.baseAddress!, ldb: ldb, beta: -0.5, c: cp.baseAddress!, ldc: ldc)
          }
        }
      }
      runs.append(c)
    }
    let err = zip(runs[0], want).map { abs($0 - $1) }.max() ?? 0
    #expect(err < 1e-5, "transA=\(transA) transB=\(transB) m=\(m) n=\(n): max error \(err)")
    #expect(runs[0] == runs[1])
  }
}
