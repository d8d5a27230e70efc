import Foundation
import VistaCore

/// `vista-bench norm`: instance norm (+ relu) forward and backward bandwidth vs measured memcpy.
///
/// GB/s counts compulsory traffic only: forward reads x and writes y (2 tensors), backward reads
/// g and x and writes dx (3 tensors); the kernels' extra statistics sweep is not counted, so the
/// figure is directly comparable with memcpy's read + write rate. Times are the best of several
/// runs (other processes share the 2-core machine; the best run is the least disturbed one).
enum BenchNorm {
  static func run(_ args: [String]) throws {
    let shapes: [(String, [Int])] = [
      ("48ch@64^3", [1, 48, 64, 64, 64]), ("96ch@64^3", [1, 96, 64, 64, 64]), ("48ch@128^3", [1, 48, 128, 128, 128]),
    ]
    let selected = args.isEmpty ? shapes : shapes.filter { args.contains($0.0) }
    print("GLIBC_TUNABLES=\(ProcessInfo.processInfo.environment["GLIBC_TUNABLES"] ?? "(unset)")")
    print(pad("shape", 12) + pad("op", 30) + pad("ms", 9, left: true) + pad("GB/s", 8, left: true)
      + pad("% memcpy", 10, left: true))
    for (label, shape) in selected {
      let count = shape.elementCount
      let bytes = Double(count * 4)
      var rng = RandomGenerator(seed: 1)
      let x = Tensor.uniform(shape, low: -1, high: 3, using: &rng)
      let g = Tensor.uniform(shape, low: -1, high: 1, using: &rng)
      let c = shape[1]
      let w = Variable.leaf(Tensor(repeating: 1.1, shape: [c]))
      let b = Variable.leaf(Tensor(repeating: 0.1, shape: [c]))
      let copy = memcpySeconds(count, fresh: true)
      let copyGBs = 2 * bytes / copy / 1e9
      func row(_ op: String, _ seconds: Double, tensors: Double) {
        let gbs = tensors * bytes / seconds / 1e9
        print(pad(label, 12) + pad(op, 30) + pad(String(format: "%.2f", seconds * 1e3), 9, left: true)
          + pad(String(format: "%.1f", gbs), 8, left: true)
          + pad(String(format: "%.0f%%", 100 * gbs / copyGBs), 10, left: true))
      }
      row("memcpy, fresh output", copy, tensors: 2)
      row("memcpy, reused output", memcpySeconds(count, fresh: false), tensors: 2)
      row("instanceNorm", try best { _ = try GradMode.withNoGrad { try instanceNorm(Variable(x), weight: w, bias: b) } },
          tensors: 2)
      row("instanceNorm then relu", try best {
        _ = try GradMode.withNoGrad { relu(try instanceNorm(Variable(x), weight: w, bias: b)) }
      }, tensors: 2)
      row("instanceNorm+relu fused", try best {
        _ = try GradMode.withNoGrad { try instanceNorm(Variable(x), weight: w, bias: b, activation: .relu) }
      }, tensors: 2)
      let xv = Variable(x)
      let gv = Variable(g)
      let bias = Variable(Tensor(repeating: 0.5, shape: [1, c, 1, 1, 1]))
      row("relu", best { _ = relu(xv) }, tensors: 2)
      row("add, same shape", try best { _ = try xv + gv }, tensors: 3)
      row("add, bias [1, C, 1, 1, 1]", try best { _ = try xv + bias }, tensors: 2)
      row("sum over space (bias grad)", try best { _ = try sum(xv, axes: [0, 2, 3, 4]) }, tensors: 1)
      var unfusedBackward: [Double] = []
      var fusedBackward: [Double] = []
      for it in 0..<6 {
        let xa = Variable.leaf(x)
        let ya = relu(try instanceNorm(xa, weight: w, bias: b))
        let t0 = now()
        try ya.backward(seed: g)
        if it > 0 { unfusedBackward.append(now() - t0) }
        let xb = Variable.leaf(x)
        let yb = try instanceNorm(xb, weight: w, bias: b, activation: .relu)
        let t1 = now()
        try yb.backward(seed: g)
        if it > 0 { fusedBackward.append(now() - t1) }
      }
      row("backward, unfused", unfusedBackward.min()!, tensors: 3)
      row("backward, fused", fusedBackward.min()!, tensors: 3)
    }
  }

  /// Monotonic seconds.
  static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

  /// Best seconds of 7 timed calls after one warm-up.
  static func best(_ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for it in 0..<8 {
      let t0 = now()
      try body()
      if it > 0 { times.append(now() - t0) }
    }
    return times.min()!
  }

  /// Median seconds to copy `count` floats on all cores (read + write), into a freshly allocated
  /// tensor (as every op's output is: page faults included) or into one reused buffer.
  static func memcpySeconds(_ count: Int, fresh: Bool) -> Double {
    let src = Tensor(repeating: 1, shape: [count])
    var reused = Tensor(zeros: [count])
    func copy(_ out: UnsafeMutableBufferPointer<Float>) {
      src.withUnsafeBufferPointer { s in
        parallelRanges(count, minChunk: 1 << 16) { r in
          (out.baseAddress! + r.lowerBound).update(from: s.baseAddress! + r.lowerBound, count: r.count)
        }
      }
    }
    return best {
      if fresh {
        let dst = Tensor(shape: [count]) { copy($0) }
        precondition(dst.count == count)
      } else {
        reused.withUnsafeMutableBufferPointer { copy($0) }
      }
    }
  }

  /// `s` padded with spaces to `width` (right-aligned when `left`).
  static func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return left ? fill + s : s + fill
  }
}
