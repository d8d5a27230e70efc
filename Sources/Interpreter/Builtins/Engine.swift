import Foundation

import VistaCore

/// Process-level engine setup the shell runs before anything else.
public enum Engine {
  /// Makes OpenBLAS use its fastest kernels on this CPU (may re-exec the process once).
  public static func prepare() { BLAS.preferFastKernels() }

  /// The OpenBLAS kernel family in use (e.g. `Haswell`).
  public static var blasCore: String { BLAS.coreName }

  /// A small forward/backward computation that proves the engine links and runs.
  public static func smoke() throws -> String {
    var rng = RandomGenerator(seed: 0)
    let a = Tensor.uniform([64, 64], low: -1, high: 1, using: &rng)
    var c = Tensor(zeros: [64, 64])
    a.withUnsafeBufferPointer { pa in
      c.withUnsafeMutableBufferPointer { pc in
        BLAS.sgemm(
          transB: true, m: 64, n: 64, k: 64, a: pa.baseAddress!, lda: 64, b: pa.baseAddress!, ldb: 64,
          c: pc.baseAddress!, ldc: 64)
      }
    }
    var trace = 0.0
    for i in 0..<64 { trace += Double(c.scalars[i * 64 + i]) }
    return "engine ok: OpenBLAS \(BLAS.coreName), \(BLAS.threads) threads; trace(A·Aᵀ) = \(String(format: "%.4f", trace))"
  }
}
