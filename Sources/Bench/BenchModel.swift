import Foundation
import VistaCore

/// `vista-bench model [--sizes 64 96] [--repeats 3] [--train] [--train-only] [--amp [bf16|fp16]]
/// [--config vista3d132] [--breakdown]
/// [--modes auto point] [--ops]`: VISTA3D forward (auto: 1 class; point: 1 positive click) and optionally
/// one training step (`--amp`: forward + loss under bf16 autocast, as torch.autocast("cpu")), seconds
/// and GFLOP/s, with peak RSS. `--train-only` skips the forward timings (peak RSS is then the
/// training step's). `--breakdown` also times encoder + decoder and the head alone (on a cached
/// embedding) for each mode; `--ops` prints one more forward's wall time per op and shape
/// (`OpProfile`). Compare with `scripts/dev/bench_torch_model.py` run right after.
enum BenchModel {
  /// Forward GMACs of vista3d132 from ../shared/docs/vista3d-model.md §8.1 (FLOPs = 2 × MACs).
  static let gmac: [String: Double] = ["auto64": 248.6, "point64": 206.2, "auto96": 839.1, "point96": 696.0]

  static func run(_ args: [String]) throws {
    var sizes = [64, 96]
    var repeats = 3
    var train = false
    var trainOnly = false
    var amp: HalfPrecision? = nil
    var configName = "vista3d132"
    var breakdown = false
    var modes = ["auto", "point"]
    var ops = false
    var i = 0
    while i < args.count {
      switch args[i] {
      case "--sizes":
        sizes = []
        while i + 1 < args.count, let s = Int(args[i + 1]) {
          sizes.append(s)
          i += 1
        }
      case "--repeats":
        i += 1
        repeats = Int(args[i]) ?? repeats
      case "--train": train = true
      case "--train-only":
        train = true
        trainOnly = true
      case "--amp":
        amp = .bf16
        if i + 1 < args.count, let p = try? HalfPrecision(named: args[i + 1]) {
          amp = p
          i += 1
        }
      case "--breakdown": breakdown = true
      case "--ops": ops = true
      case "--modes":
        modes = []
        while i + 1 < args.count, ["auto", "point"].contains(args[i + 1]) {
          modes.append(args[i + 1])
          i += 1
        }
      case "--config":
        i += 1
        configName = args[i]
      default: throw VistaError("vista-bench model: unknown option '\(args[i])'")
      }
      i += 1
    }
    guard let config = VISTA3DConfig.named[configName] else { throw VistaError("unknown config '\(configName)'") }
    let t0 = Date()
    let model = VISTA3D(config)
    print(String(format: "%@ built in %.1f s; peak RSS %.2f GB", model.summary, Date().timeIntervalSince(t0), peakRSS()))
    for s in sizes {
      var rng = RandomGenerator(seed: 1)
      let x = Variable(Tensor.uniform([1, 1, s, s, s], using: &rng))
      let c = Float(s / 2)
      let points = try PointPrompts(coords: Tensor(shape: [1, 1, 3], scalars: [c, c, c]), labels: IntTensor([1]).reshaped([1, 1]))
      for mode in trainOnly ? [] : modes {
        let t = try median(repeats) {
          try GradMode.withNoGrad {
            _ = mode == "auto" ? try model(x, classes: [3]) : try model(x, points: points)
          }
        }
        let flops = 2 * (gmac["\(mode)\(s)"] ?? .nan) / t
        print(String(format: "forward %-5@ %d^3: %7.2f s  %6.1f GFLOP/s  peak RSS %.2f GB", mode as NSString, s, t, flops, peakRSS()))
        if ops {
          OpProfile.start()
          try GradMode.withNoGrad { _ = mode == "auto" ? try model(x, classes: [3]) : try model(x, points: points) }
          print(OpProfile.format(OpProfile.stop()))
        }
        if breakdown {
          let point = mode == "point"
          var cache: ImageEmbedding?
          let te = try median(repeats) {
            cache = try GradMode.withNoGrad { try model.embed(x, withPoint: point, withLabel: !point) }
          }
          let th = try median(repeats) {
            try GradMode.withNoGrad {
              _ = point ? try model(x, points: points, cache: cache) : try model(x, classes: [3], cache: cache)
            }
          }
          print(String(format: "  encoder + %@ decoder %7.2f s; %@ head alone %7.2f s",
            (point ? "point" : "class") as NSString, te, (point ? "point" : "class") as NSString, th))
        }
      }
      if train {
        let target = Tensor(repeating: 0, shape: [1, 1, s, s, s])
        let adam = try Adam(model.parameters, lr: 1e-5)
        // Allocate Adam's moments up front (a step on zero gradients leaves the weights unchanged),
        // so even a single timed step (`--repeats 0`) sees the steady-state memory.
        for p in model.parameters where p.requiresGrad { p.grad = Tensor(zeros: p.shape) }
        try adam.step()
        model.zeroGrad()
        let t = try median(repeats) {
          model.zeroGrad()
          let both = try PointPrompts(coords: points.coords, labels: points.labels, promptClass: [3])
          let (loss, saved) = try SavedActivations.measure {
            try Autocast.with(amp) { () throws -> Variable in
              let logits = try model(x, classes: [3], points: both)
              let p = sigmoid(logits)
              let inter = try sum(p * Variable(target))
              return try 1 - (2 * inter + 1e-5) / (sum(p) + Float(target.sum()) + 1e-5)
            }
          }
          let afterForward = currentRSS()
          try loss.backward()
          let afterBackward = currentRSS()
          try adam.step()
          print(String(
            format: "  saved activations (conv/norm/linear/matmul/channelDot) %.2f GB; RSS after forward "
              + "%.2f GB, after backward %.2f GB, after Adam %.2f GB, peak so far %.2f GB",
            Double(saved) / 1e9, afterForward, afterBackward, currentRSS(), peakRSS()))
        }
        let precision = amp.map { "\($0.rawValue) autocast" } ?? "fp32"
        print(String(
          format: "train step %@ (class + 1 point, forward + backward + Adam) %d^3: %7.2f s  peak RSS %.2f GB",
          precision as NSString, s, t, peakRSS()))
      }
    }
  }

  /// Median wall time of `repeats` runs after one warm-up (`repeats` 0: the single run, no warm-up).
  static func median(_ repeats: Int, _ body: () throws -> Void) throws -> Double {
    var times: [Double] = []
    for i in 0...max(0, repeats) {
      let t0 = DispatchTime.now().uptimeNanoseconds
      try body()
      if i > 0 || repeats <= 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9) }
    }
    return times.sorted()[times.count / 2]
  }

  /// Resident memory of this process now, GB (/proc/self/statm; 0 where unavailable).
  static func currentRSS() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1024 / 1024 / 1024
  }

  /// Peak resident memory of this process, GB.
  static func peakRSS() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_maxrss) / 1024 / 1024
  }
}
