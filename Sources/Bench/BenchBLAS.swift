import Foundation
import VistaCore

/// `vista-bench blas`: the machine's sgemm throughput on square and conv-shaped products.
enum BenchBLAS {
  static func run(_ args: [String]) throws {
    print(String(format: "%-44@ %10@", "shape" as NSString, "GFLOP/s" as NSString))
    for (label, m, n, k) in [("square 2048", 2048, 2048, 2048), ("conv fwd M=48 N=64^3 K=1296", 48, 262_144, 1296)] {
      print(String(format: "%-44@ %10.1f", label as NSString, sgemmGFLOPs(m: m, n: n, k: k)))
    }
    // One core, square-ish C×C weights times C×n tiles: the Winograd products (ConvWinograd.swift).
    for c in [48, 96, 192] {
      for n in [128, 256, 512, 1024, 2048] {
        let label = "1 core M=K=\(c) N=\(n)"
        print(String(format: "%-44@ %10.1f", label as NSString, sgemmGFLOPs(m: c, n: n, k: c, serial: true)))
      }
    }
  }

  /// Median GFLOP/s of 5 timed `C = A·B` calls after one warm-up.
  static func sgemmGFLOPs(m: Int, n: Int, k: Int, serial: Bool = false) -> Double {
    var rng = RandomGenerator(seed: 1)
    let a = Tensor.uniform([m, k], using: &rng)
    let b = Tensor.uniform([k, n], using: &rng)
    var c = Tensor(zeros: [m, n])
    var times: [Double] = []
    for it in 0..<6 {
      let t0 = DispatchTime.now().uptimeNanoseconds
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          c.withUnsafeMutableBufferPointer { pc in
            BLAS.sgemm(serial: serial, m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
          }
        }
      }
      let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
      if it > 0 { times.append(dt) }
    }
    times.sort()
    return 2 * Double(m) * Double(n) * Double(k) / times[times.count / 2] / 1e9
  }
}
