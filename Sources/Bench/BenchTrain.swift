import Foundation
import VistaCore

/// `vista-bench train`: optimizer step, losses, prompt sampling and sliding-window overhead.
enum BenchTrain {
  static func run(_ args: [String]) throws {
    var rng = RandomGenerator(seed: 1)
    // Optimizer step over 16 M elements (VISTA3D has 218 M: scale linearly).
    let n = 16 << 20
    let p = Parameter("w", Tensor.normal([n], using: &rng))
    p.grad = Tensor.normal([n], using: &rng)
    var q = p.value
    report("reference: q += g (1 thread), 16M", try time { q.addInPlace(p.grad!, scale: 0.5) })
    let adam = try Adam([p], lr: 1e-5)
    report("Adam step, 16M params", try time { try adam.step() })
    let sgd = try SGD([p], lr: 1e-3, momentum: 0.9)
    report("SGD momentum step, 16M params", try time { try sgd.step() })
    report("clipGradNorm, 16M params", try time { _ = try clipGradNorm([p], maxNorm: 1) })

    // Losses on the tutorial's shape: 2 prompts × 96³.
    let x = Tensor.normal([2, 1, 96, 96, 96], using: &rng)
    let t = Tensor.uniform([2, 1, 96, 96, 96], using: &rng).map { $0 > 0.7 ? 1 : 0 }
    report(
      "DiceLoss fwd+bwd [2,1,96³]",
      try time {
        let v = Variable.leaf(x)
        try DiceLoss()(v, t).backward()
      })
    let ce = try DiceCELoss(squaredPred: true, smoothNr: 1e-4, smoothDr: 1e-2)
    report(
      "DiceCELoss fwd+bwd [2,1,96³]",
      try time {
        let v = Variable.leaf(x)
        try ce(v, t).backward()
      })

    // Prompt sampling on a 96³ patch with a spleen-sized object.
    var labels = [Int32](repeating: 0, count: 96 * 96 * 96)
    for i in 0..<labels.count where (i / 9216) > 30 && (i / 9216) < 60 && (i % 96) < 40 { labels[i] = 3 }
    let patch = try IntTensor(shape: [1, 1, 96, 96, 96], scalars: labels)
    var srng = RandomGenerator(seed: 2)
    let options = PromptSamplerOptions.tutorial(labelSet: [0, 3])
    report(
      "samplePromptPairs 96³",
      try time { _ = try samplePromptPairs(labels: patch, options: options, using: &srng) })

    // Post-processing and Dice on a 239²×150 volume (tutorial validation, one class).
    let volumeLogits = Tensor.normal([1, 239, 239, 150], using: &rng)
    report("reference: sum 239²×150", try time { _ = volumeLogits.sum() })
    var seg = try vistaPostProcess(volumeLogits, labelPrompt: [3])
    report("vistaPostProcess 239²×150, 1 class", try time { seg = try vistaPostProcess(volumeLogits, labelPrompt: [3]) })
    let truth = try IntTensor(shape: seg.shape, scalars: seg.scalars.reversed())
    report("DiceMetric.perClass 239²×150", try time { _ = try DiceMetric.perClass(prediction: seg, label: truth, classes: [3]) })

    // Sliding window with an identity predictor (pure placement/blend overhead), tutorial grid.
    let image = Tensor.normal([1, 1, 239, 239, 150], using: &rng)
    for mode in [BlendMode.constant, .gaussian] {
      let o = SlidingWindowOptions(roi: [96, 96, 96], overlap: [0.25], mode: mode)
      report(
        "sliding window 239²×150 roi 96 \(mode.rawValue), identity",
        try time(repeats: 3) {
          _ = try slidingWindowInference(image, options: o) { $0 }
        })
    }
  }

  static func time(repeats: Int = 5, _ body: () throws -> Void) throws -> Double {
    try body()
    var best = Double.infinity
    for _ in 0..<repeats {
      let t0 = DispatchTime.now().uptimeNanoseconds
      try body()
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
    }
    return best
  }

  static func report(_ label: String, _ ms: Double) {
    print(label.padding(toLength: 52, withPad: " ", startingAt: 0) + String(format: "%9.1f ms", ms))
  }
}
