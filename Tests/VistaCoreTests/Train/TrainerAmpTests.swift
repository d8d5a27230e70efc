import Foundation
import Testing

@testable import VistaCore

@Suite(.serialized) struct TrainerAmpTests {
  /// The losses of `steps` training steps of a tiny VISTA3D from the same seed.
  private func losses(_ fx: TinyRun, amp: HalfPrecision?, steps: Int) throws -> [Float] {
    var o = TinyRun.options(mode: .autoOnly, lr: 3e-3)
    o.amp = amp != nil
    if let amp { o.ampDtype = amp }
    let trainer = try Trainer(model: VISTA3D(.tiny, seed: 1), train: fx.train, options: o)
    return try (0..<steps).map { _ in try trainer.step() }
  }

  /// An AMP (bf16 autocast + GradScaler) run's loss curve tracks the float32 run's on the synthetic
  /// set: same crops and prompts (same seed), so only the arithmetic differs.
  @Test func ampLossCurveTracksFloat32() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    let steps = 24
    let fp32 = try losses(fx, amp: nil, steps: steps)
    let bf16 = try losses(fx, amp: .bf16, steps: steps)
    #expect(fp32.allSatisfy { $0.isFinite } && bf16.allSatisfy { $0.isFinite })
    // The first step runs the same weights: the loss differs only by bf16 rounding, and it does.
    #expect(bf16[0] != fp32[0])
    #expect(abs(bf16[0] - fp32[0]) <= 0.01 * fp32[0])
    let rel = zip(bf16, fp32).map { abs($0 - $1) / $1 }
    let meanRel = rel.reduce(0, +) / Float(rel.count)
    print("amp vs fp32 losses: mean relative difference \(meanRel), max \(rel.max()!)")
    print("fp32:", fp32.map { String(format: "%.4f", $0) }.joined(separator: " "))
    print("bf16:", bf16.map { String(format: "%.4f", $0) }.joined(separator: " "))
    // While the trajectories are still close (the first dozen steps) every loss agrees within 2%;
    // later the noisy late-phase steps drift apart (chaotic, as any two runs that differ in the
    // last bits), so the whole curve is compared by its mean difference and 6-step averages.
    #expect(rel.prefix(12).allSatisfy { $0 <= 0.02 })
    #expect(meanRel <= 0.03)
    for w in stride(from: 0, to: steps, by: 6) {
      let a: Float = fp32[w..<(w + 6)].reduce(0, +)
      let b: Float = bf16[w..<(w + 6)].reduce(0, +)
      let diff: Float = abs(a - b)
      #expect(diff <= 0.08 * a, "steps \(w)..<\(w + 6): \(a / 6) vs \(b / 6)")
    }
    // Both runs learn: the last 6 losses average well below the first 6.
    for run in [fp32, bf16] {
      let first: Float = run.prefix(6).reduce(0, +)
      let last: Float = run.suffix(6).reduce(0, +)
      #expect(last < 0.7 * first)
    }
  }

  /// fp16 autocast trains too (the GradScaler is what makes fp16 safe).
  @Test func fp16AmpTrains() throws {
    let fx = try TinyRun()
    defer { fx.remove() }
    let fp16 = try losses(fx, amp: .fp16, steps: 3)
    let fp32 = try losses(fx, amp: nil, steps: 3)
    #expect(fp16.allSatisfy { $0.isFinite })
    #expect(abs(fp16[0] - fp32[0]) <= 0.005 * fp32[0])
  }

  /// `ampDtype` defaults to bf16, and a params.json written before the option existed still loads.
  @Test func ampDtypeDefaultsToBF16AndOldOptionsDecode() throws {
    var o = TrainerOptions()
    #expect(o.ampDtype == .bf16)
    o.ampDtype = .fp16
    let data = try JSONEncoder().encode(o)
    #expect(try JSONDecoder().decode(TrainerOptions.self, from: data).ampDtype == .fp16)
    var dict = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    dict.removeValue(forKey: "storedAmpDtype")
    let old = try JSONSerialization.data(withJSONObject: dict)
    #expect(try JSONDecoder().decode(TrainerOptions.self, from: old).ampDtype == .bf16)
  }
}
