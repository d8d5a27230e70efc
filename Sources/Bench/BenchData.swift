import Foundation
import VistaCore

/// `vista-bench data [ct.nii.gz] [--synth dir]`: load + preprocess timings (compare scripts/dev/bench_load_monai.py).
///
/// Times, median of 5 after a warm-up: NIfTI read; ScaleIntensityRange → Orientation RAS → Spacing 1.5 mm
/// (bilinear) on the image; the same for the label (nearest) when a label path follows; and the synthetic
/// dataset generator (8 cases of 96×96×64).
enum BenchData {
  static func run(_ args: [String]) throws {
    var rest = args
    var synthDir: URL?
    if let i = rest.firstIndex(of: "--synth"), i + 1 < rest.count {
      synthDir = URL(fileURLWithPath: rest[i + 1])
      rest.removeSubrange(i...(i + 1))
    }
    let ct = rest.first ?? "../shared/totalsegmentator_example/example_ct.nii.gz"
    if FileManager.default.fileExists(atPath: ct) {
      let url = URL(fileURLWithPath: ct)
      var vol = try NIfTI.read(url)
      print("\(ct): \(vol.summary)")
      let tRead = try median { vol = try NIfTI.read(url) }
      let scale = ScaleIntensityRange(aMin: -1000, aMax: 1000, bMin: 0, bMax: 1, clip: true)
      var out = vol
      let tPre = try median {
        out = try Spacing(pixdim: [1.5, 1.5, 1.5])(Orientation()(scale(vol)))
      }
      let tAll = try median {
        out = try Spacing(pixdim: [1.5, 1.5, 1.5])(Orientation()(scale(NIfTI.read(url))))
      }
      let scaled = try scale(vol)
      let ras = try Orientation()(scaled)
      let tScale = try median { out = try scale(vol) }
      let tOrient = try median { out = try Orientation()(scaled) }
      let tSpacing = try median { out = try Spacing(pixdim: [1.5, 1.5, 1.5])(ras) }
      print(
        String(
          format: "  scale %.1f ms, orientation %.1f ms, spacing %.1f ms", tScale * 1e3,
          tOrient * 1e3, tSpacing * 1e3))
      print("  -> \(out.summary)")
      print(
        String(
          format: "  read %.1f ms, preprocess %.1f ms, load+preprocess %.1f ms", tRead * 1e3,
          tPre * 1e3, tAll * 1e3))
      let label = try out.with(array: out.array.map { $0 > 0.55 && $0 < 0.56 ? 1 : 0 })
      let crop = RandCropByPosNegLabel(spatialSize: [96, 96, 96], numSamples: 2)
      var rng = RandomGenerator(seed: 0)
      let tCrop = try median {
        let c = try crop.sampleCentres(label: label, image: out, using: &rng)
        _ = crop.crop(out, centres: c)
      }
      print(
        String(format: "  RandCropByPosNegLabel 96³ ×2 on the 1.5 mm volume %.1f ms", tCrop * 1e3))
      if rest.count > 1 {
        let lurl = URL(fileURLWithPath: rest[1])
        var lab = try NIfTI.read(lurl)
        let tLab = try median {
          lab = try Spacing(pixdim: [1.5, 1.5, 1.5], mode: .nearest)(
            Orientation()(NIfTI.read(lurl)))
        }
        print(
          String(
            format: "  label load+orient+spacing(nearest) %.1f ms -> %@", tLab * 1e3, lab.summary))
      }
    } else {
      print("no CT at \(ct) (pass a path)")
    }
    let dir =
      synthDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("vista-bench-synth")
    let t0 = DispatchTime.now().uptimeNanoseconds
    try SyntheticDataset.write(to: dir, cases: 8, size: [96, 96, 64], seed: 0)
    let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    print(String(format: "synthetic_dataset: 8 cases of 96×96×64 in %.2f s -> %@", dt, dir.path))
    if synthDir == nil { try? FileManager.default.removeItem(at: dir) }
  }

  /// Median wall seconds of 5 runs after one warm-up (also prints the median process CPU seconds, which
  /// stays meaningful on a busy machine).
  static func median(_ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<5 {
      let c0 = cpuSeconds()
      let t0 = DispatchTime.now().uptimeNanoseconds
      try body()
      times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
      cpu.append(cpuSeconds() - c0)
    }
    print(
      String(
        format: "    (wall %.1f ms, cpu %.1f ms)", times.sorted()[2] * 1e3, cpu.sorted()[2] * 1e3))
    return times.sorted()[2]
  }

  static func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(
      u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
  }
}
