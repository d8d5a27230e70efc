import Foundation
import VistaCore

/// `vista-bench conv [filter…] [--reps n]`: GFLOP/s of every vista3d132 conv shape (batch 1, 64³
/// patch) for forward, input grad and weight grad, against sgemm measured in the same run.
enum BenchConv {
  /// One benchmarked layer: a conv, or a transposed conv described by its adjoint conv.
  struct Case {
    let name: String
    let geometry: Conv3dGeometry
    let transposed: Bool
  }

  static func conv(_ name: String, _ cin: Int, _ cout: Int, _ n: Int, k: Int = 3, s: Int = 1)
    -> Case
  {
    Case(
      name: name,
      geometry: Conv3dGeometry(
        batch: 1, inChannels: cin, outChannels: cout, inSize: (n, n, n), kernel: k, stride: s,
        padding: k / 2),
      transposed: false)
  }

  static func up(_ name: String, _ cin: Int, _ cout: Int, _ n: Int) -> Case {
    Case(
      name: name,
      geometry: convTranspose3dGeometry(
        batch: 1, inChannels: cin, outChannels: cout, inSize: (n, n, n), kernel: 3, stride: 2,
        padding: 1, outputPadding: 1),
      transposed: true)
  }

  /// The conv layers of vista3d132 on a 64³ patch, plus one 128³ SegResBlock conv (slab case).
  static let cases: [Case] = [
    conv("conv_init 1→48 @64", 1, 48, 64),
    conv("block 48 @64", 48, 48, 64),
    conv("block 48 @128 (slabs)", 48, 48, 128),
    conv("block 96 @32", 96, 96, 32),
    conv("block 192 @16", 192, 192, 16),
    conv("block 384 @8", 384, 384, 8),
    conv("block 768 @4", 768, 768, 4),
    conv("down 48→96 64→32", 48, 96, 64, s: 2),
    conv("down 96→192 32→16", 96, 192, 32, s: 2),
    conv("down 192→384 16→8", 192, 384, 16, s: 2),
    conv("down 384→768 8→4", 384, 768, 8, s: 2),
    up("up 768→384 4→8", 768, 384, 4),
    up("up 384→192 8→16", 384, 192, 8),
    up("up 192→96 16→32", 192, 96, 16),
    up("up 96→48 32→64", 96, 48, 32),
    conv("head 1x1 48→48 @64", 48, 48, 64, k: 1),
  ]

  /// Time source: wall clock (default), or process CPU time ÷ cores (`--cpu`, a rough
  /// load-independent estimate while other jobs share the machine).
  nonisolated(unsafe) static var useCPUTime = false

  static func now() -> Double {
    if useCPUTime {
      var ts = timespec()
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
      return (Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9) / Double(parallelWorkers)
    }
    return Double(DispatchTime.now().uptimeNanoseconds) / 1e9
  }

  static func run(_ args: [String]) throws {
    var reps = 5
    var filters: [String] = []
    var i = 0
    while i < args.count {
      if args[i] == "--cpu" {
        useCPUTime = true
        i += 1
      } else if args[i] == "--reps", i + 1 < args.count, let r = Int(args[i + 1]) {
        reps = max(1, r)
        i += 2
      } else {
        filters.append(args[i])
        i += 1
      }
    }
    let square = sgemm(m: 2048, n: 2048, k: 2048)
    let shaped = sgemm(m: 48, n: 262_144, k: 1296)
    print(
      String(
        format: "sgemm: square 2048 %.1f GFLOP/s, conv-shaped M=48 N=64^3 K=1296 %.1f GFLOP/s",
        square, shaped))
    print(
      "% columns: of a square-1024 sgemm re-measured just before each layer (sq GF/s; the "
        + "machine may be shared), median of \(reps) runs after one warm-up")
    if useCPUTime {
      print(
        "--cpu: times are process CPU seconds ÷ \(parallelWorkers) cores; sgemm ran 1-threaded (scaled)"
      )
    }
    let header = "layer".padding(toLength: 26, withPad: " ", startingAt: 0)
    print(header + "   fwd GF/s    %   dIn GF/s    %   dW GF/s    %  sq GF/s  workspace")
    var worst = (fwd: 1e9, bwd: 1e9)
    for c in cases where filters.isEmpty || filters.contains(where: { c.name.contains($0) }) {
      let ref = sgemm(m: 1024, n: 1024, k: 1024)
      let r = measure(c, reps: c.geometry.inVoxels > 1_000_000 ? max(1, reps / 2) : reps)
      let pct = { (v: Double) in 100 * v / ref }
      let ws = Double(conv3dWorkspaceBytes(c.geometry)) / 1_048_576
      print(
        c.name.padding(toLength: 26, withPad: " ", startingAt: 0)
          + String(
            format: " %9.1f %4.0f%% %9.1f %4.0f%% %9.1f %4.0f%% %8.1f %7.1f MB", r.0, pct(r.0),
            r.1, pct(r.1), r.2, pct(r.2), ref, ws))
      let g = c.geometry
      if g.kernel == 3, [48, 96, 192].contains(min(g.inChannels, g.outChannels)) {
        worst = (min(worst.fwd, pct(r.0)), min(worst.bwd, pct(r.1), pct(r.2)))
      }
    }
    if worst.fwd < 1e9 {
      print(
        String(
          format: "3×3×3 layers with 48/96/192 channels: worst forward %.0f%% (target 70%%), worst grad %.0f%% "
            + "(target 60%%) of sgemm", worst.fwd, worst.bwd))
    }
  }

  /// sgemm GFLOP/s with the suite's clock (BenchBLAS's measurement on the wall clock).
  static func sgemm(m: Int, n: Int, k: Int) -> Double {
    if !useCPUTime { return BenchBLAS.sgemmGFLOPs(m: m, n: n, k: k) }
    // CPU-time mode: one thread (no spin-waits counted as work), scaled to all cores.
    var rng = RandomGenerator(seed: 1)
    let a = Tensor.uniform([m, k], using: &rng)
    let b = Tensor.uniform([k, n], using: &rng)
    var c = Tensor(zeros: [m, n])
    var ts: [Double] = []
    for it in 0..<6 {
      let t0 = now()
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          c.withUnsafeMutableBufferPointer { pc in
            BLAS.sgemm(
              serial: true, m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n,
              c: pc.baseAddress!, ldc: n)
          }
        }
      }
      if it > 0 { ts.append(now() - t0) }
    }
    ts.sort()
    return 2 * Double(m) * Double(n) * Double(k) / ts[ts.count / 2] / 1e9
  }

  /// Median GFLOP/s of forward, input grad and weight grad.
  static func measure(_ c: Case, reps: Int) -> (Double, Double, Double) {
    let g = c.geometry
    var rng = RandomGenerator(seed: 3)
    // Conv-side buffers: big = the conv input (transposed conv output), small = the conv output.
    let big = Tensor.uniform([g.batch * g.inChannels * g.inVoxels], low: -1, high: 1, using: &rng)
    let small = Tensor.uniform(
      [g.batch * g.outChannels * g.outVoxels], low: -1, high: 1, using: &rng)
    let w = Tensor.uniform([g.outChannels * g.colRows], low: -0.1, high: 0.1, using: &rng)
    var bigOut = Tensor(zeros: big.shape)
    var smallOut = Tensor(zeros: small.shape)
    var wOut = Tensor(zeros: w.shape)
    let flops = g.flops
    var (fwd, din, dw) = (0.0, 0.0, 0.0)
    func time(_ body: () -> Void) -> Double {
      var ts: [Double] = []
      for it in 0...reps {
        let t0 = now()
        body()
        let dt = now() - t0
        if it > 0 { ts.append(dt) }
      }
      ts.sort()
      return flops / ts[ts.count / 2] / 1e9
    }
    big.withUnsafeBufferPointer { pb in
      small.withUnsafeBufferPointer { ps in
        w.withUnsafeBufferPointer { pw in
          bigOut.withUnsafeMutableBufferPointer { qb in
            smallOut.withUnsafeMutableBufferPointer { qs in
              wOut.withUnsafeMutableBufferPointer { qw in
                let (b, s, wt) = (pb.baseAddress!, ps.baseAddress!, pw.baseAddress!)
                let (ob, os, ow) = (qb.baseAddress!, qs.baseAddress!, qw.baseAddress!)
                if c.transposed {
                  // forward: small → big; input grad: big → small; weight grad.
                  fwd = time { convTranspose3dForward(x: s, weight: wt, bias: nil, y: ob, g) }
                  din = time { convTranspose3dBackwardInput(dy: b, weight: wt, dx: os, g) }
                  dw = time { convTranspose3dBackwardWeight(x: s, dy: b, dw: ow, g) }
                } else {
                  fwd = time { conv3dForward(x: b, weight: wt, bias: nil, y: os, g) }
                  din = time { conv3dBackwardInput(dy: s, weight: wt, dx: ob, g) }
                  dw = time { conv3dBackwardWeight(x: b, dy: s, dw: ow, g) }
                }
              }
            }
          }
        }
      }
    }
    return (fwd, din, dw)
  }
}
