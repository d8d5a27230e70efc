import Foundation
import VistaCore

/// `vista-bench finetune [--minutes 5] [--target 0.9] [--lr 1e-3] [--patch 48] [--mode auto]
/// [--config small] [--cases 8] [--samples 2] [--pixdim 1.5] [--loss dice] [--optimizer adam]
/// [--warmup 0] [--label-set 0,3] [--val-roi 0] [--val-every 1]`: trains a VISTA3D configuration from random init on the synthetic dataset
/// (8 cases of 96×96×64, 6 train / 2 val) until the validation Dice reaches the target or the time
/// runs out, printing one line per epoch with the elapsed time.
enum BenchFinetune {
  static func run(_ args: [String]) throws {
    func value(_ name: String) -> String? {
      guard let i = args.firstIndex(of: "--" + name), i + 1 < args.count else { return nil }
      return args[i + 1]
    }
    let minutes = Double(value("minutes") ?? "5") ?? 5
    let target = Double(value("target") ?? "0.9") ?? 0.9
    let cases = Int(value("cases") ?? "8") ?? 8
    let configName = value("config") ?? "small"
    guard let config = VISTA3DConfig.named[configName] else { throw VistaError("unknown config \(configName)") }
    var o = TrainerOptions()
    let p = (value("patch") ?? "48").split(separator: ",").compactMap { Int($0) }
    o.patch = p.count == 1 ? [p[0], p[0], p[0]] : p
    o.samples = Int(value("samples") ?? "2") ?? 2
    o.lr = Double(value("lr") ?? "1e-3") ?? 1e-3
    o.optimizer = value("optimizer") ?? "adam"
    o.mode = PromptMode(rawValue: value("mode") ?? "auto") ?? .autoOnly
    o.loss = TrainLoss(rawValue: value("loss") ?? "dice") ?? .dice
    let pix = Double(value("pixdim") ?? "1.5") ?? 1.5
    o.pixdim = [pix, pix, pix]
    o.labelSet = (value("label-set") ?? "0,3").split(separator: ",").compactMap { Int($0) }
    o.labelMap = [[1, 3], [2, 0]]  // spleen → 3; the liver is background here
    if let r = value("val-roi") {
      let v = r.split(separator: ",").compactMap { Int($0) }
      o.valRoi = v.count == 1 ? [v[0], v[0], v[0]] : v
    }
    o.valInterval = Int(value("val-every") ?? "1") ?? 1
    o.seed = 0
    let warmup = Int(value("warmup") ?? "0") ?? 0
    if warmup > 0 {
      o.schedule = .warmupCosine(warmupSteps: warmup, totalSteps: 100_000, warmupMultiplier: 0.1)
      o.scheduleEvery = .step
    }
    o.verbose = true

    let root = FileManager.default.temporaryDirectory.appendingPathComponent("vista-bench-finetune-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }
    let t0 = ProgressLine.now()
    try SyntheticDataset.write(to: root.appendingPathComponent("data"), cases: cases, size: [96, 96, 64], seed: 0)
    let data = try Dataset(path: root.appendingPathComponent("data"))
    let nVal = max(1, cases / 4)
    let model = VISTA3D(config, seed: 0)
    print("\(model.summary); \(cases - nVal) train / \(nVal) val synthetic cases 96×96×64; patch \(o.patch), "
      + "\(o.samples) samples, lr \(o.lr), \(o.optimizer), mode \(o.mode.rawValue), loss \(o.loss.rawValue), pixdim \(pix)")
    let trainer = try Trainer(
      model: model, train: Array(data.items.dropLast(nVal)), val: Array(data.items.suffix(nVal)), options: o)
    let start = ProgressLine.now()
    print(String(format: "data written and cached in %.1f s", start - t0))
    let deadline = start + minutes * 60
    trainer.shouldStop = { ProgressLine.now() > deadline }
    var reached: Double? = nil
    var bestDice = 0.0
    while ProgressLine.now() < deadline {
      guard let r = try trainer.epoch() else { break }
      let elapsed = ProgressLine.now() - start
      let d = r.valDice ?? .nan
      bestDice = max(bestDice, d.isNaN ? 0 : d)
      print(String(format: "  elapsed %.1f s, %.2f s/step, val dice %.4f", elapsed,
        (r.seconds - 0) / Double(max(r.stepLosses.count, 1)), d))
      if d >= target {
        reached = elapsed
        break
      }
    }
    if let reached {
      print(String(format: "reached val dice ≥ %.2f after %.1f s (%d epochs, %d steps)", target, reached,
        trainer.epochsCompleted, trainer.globalStep))
    } else {
      print(String(format: "did not reach %.2f within %.1f min: best val dice %.4f after %d epochs, %d steps", target,
        minutes, bestDice, trainer.epochsCompleted, trainer.globalStep))
    }
  }
}
