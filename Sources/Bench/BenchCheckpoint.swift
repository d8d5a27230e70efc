import Foundation
import VistaCore

/// `vista-bench checkpoint <file.pt> [--runs N] [--out-dir DIR]`: times loading a checkpoint and
/// writing it back as torch.save and safetensors (then re-reading ours).
/// `vista-bench checkpoint --convert <in> <out>`: reads any checkpoint and writes `out` (format
/// from its extension), printing what loading adjusted. Used by scripts/dev/check_checkpoint_roundtrip.py.
enum BenchCheckpoint {
  static func run(_ args: [String]) throws {
    if args.first == "--convert" {
      guard args.count == 3 else {
        throw VistaError("usage: vista-bench checkpoint --convert <in> <out>")
      }
      try convert(args[1], args[2])
      return
    }
    guard let path = args.first else {
      throw VistaError(
        "usage: vista-bench checkpoint <file.pt> [--runs N] [--out-dir DIR] | --convert <in> <out>")
    }
    let runs = option(args, "--runs").flatMap(Int.init) ?? 3
    let outDir = option(args, "--out-dir") ?? NSTemporaryDirectory()
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    print("load average: \(loadAverage())")
    print(String(format: "file: %@ (%.1f MB)", path, Double(size) / 1e6))

    var sd = StateDict()
    let loadTimes = try (0..<runs).map { _ in
      try time {
        sd = StateDict()  // free the previous copy first
        sd = try Checkpoint.load(path)
      }
    }
    let bytes = Double(sd.elementCount * 4)
    report("load torch.save", loadTimes, bytes: bytes)
    print("  \(sd.count) tensors, \(sd.elementCount) values")

    let ours = (outDir as NSString).appendingPathComponent("vista-bench-ckpt-\(getpid()).pt")
    let st = (outDir as NSString).appendingPathComponent("vista-bench-ckpt-\(getpid()).safetensors")
    defer {
      try? FileManager.default.removeItem(atPath: ours)
      try? FileManager.default.removeItem(atPath: st)
    }
    report(
      "write torch.save (incl. fsync)",
      try (0..<runs).map { _ in try time { try Checkpoint.save(sd, to: ours) } }, bytes: bytes)
    report(
      "write safetensors (incl. fsync)",
      try (0..<runs).map { _ in try time { try Checkpoint.save(sd, to: st) } }, bytes: bytes)
    var back = StateDict()
    report(
      "load our torch.save",
      try (0..<runs).map { _ in
        try time {
          back = StateDict()
          back = try Checkpoint.load(ours)
        }
      }, bytes: bytes)
    guard back == sd else {
      throw VistaError("checkpoint bench: our written file does not read back identically")
    }
    report(
      "load our safetensors",
      try (0..<runs).map { _ in
        try time {
          back = StateDict()
          back = try Checkpoint.load(st)
        }
      }, bytes: bytes)
    guard back == sd else {
      throw VistaError("checkpoint bench: our safetensors file does not read back identically")
    }
    var verify = Checkpoint.LoadOptions()
    verify.verifyChecksums = true
    report(
      "load torch.save + CRC check",
      try (0..<runs).map { _ in
        try time {
          back = StateDict()
          back = try Checkpoint.load(path, options: verify)
        }
      }, bytes: bytes)
    print("load average: \(loadAverage())")
  }

  static func convert(_ input: String, _ output: String) throws {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let (sd, report) = try Checkpoint.read(input)
    let t1 = DispatchTime.now().uptimeNanoseconds
    for note in report.notes { print("note: \(note)") }
    try Checkpoint.save(sd, to: output)
    let t2 = DispatchTime.now().uptimeNanoseconds
    print(
      String(
        format: "converted %@ (%d tensors, %d values): read %.2f s, wrote %@ in %.2f s", input,
        sd.count, sd.elementCount,
        Double(t1 - t0) / 1e9, output, Double(t2 - t1) / 1e9))
  }

  static func option(_ args: [String], _ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
  }

  /// Wall-clock and process CPU seconds of one call.
  static func time(_ body: () throws -> Void) throws -> (wall: Double, cpu: Double) {
    let c0 = cpuSeconds()
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return (Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, cpuSeconds() - c0)
  }

  /// User + system CPU time of this process (both cores count).
  static func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }

  static func report(_ label: String, _ times: [(wall: Double, cpu: Double)], bytes: Double) {
    let best = times.min { $0.wall < $1.wall } ?? (0, 0)
    let all = times.map { String(format: "%.2f/%.2f", $0.wall, $0.cpu) }.joined(separator: " ")
    print(
      String(
        format: "%-32@ best %.3f s wall, %.3f s CPU (%.2f GB/s)   runs (wall/CPU s): %@",
        label as NSString,
        best.wall, best.cpu,
        bytes / best.wall / 1e9, all as NSString))
  }

  static func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
      .joined(separator: " ") ?? "?"
  }
}
