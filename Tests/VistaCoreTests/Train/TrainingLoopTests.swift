import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// A toy per-voxel model standing in for VISTA3D: logit of prompt b = w[c_b]·x + bias[c_b].
/// x: [1, 1, D, H, W]; returns [B, 1, D, H, W] for the prompt classes (indices into w).
private func toyLogits(_ x: Tensor, _ slots: [Int], _ w: Variable, _ bias: Variable) -> Variable {
  let n = x.count
  let (wv, bv) = (w.value.scalars, bias.value.scalars)
  var out = [Float](repeating: 0, count: slots.count * n)
  for (b, s) in slots.enumerated() {
    for i in 0..<n { out[b * n + i] = wv[s] * x.scalars[i] + bv[s] }
  }
  let y = try! Tensor(shape: [slots.count, 1] + Array(x.shape.dropFirst(2)), scalars: out)
  let k = w.value.count
  return Variable.record(y, op: "toy_logits", inputs: [w, bias]) { g in
    var gw = [Float](repeating: 0, count: k)
    var gb = [Float](repeating: 0, count: k)
    for (b, s) in slots.enumerated() {
      for i in 0..<n {
        gw[s] += g.scalars[b * n + i] * x.scalars[i]
        gb[s] += g.scalars[b * n + i]
      }
    }
    return [Tensor(gw), Tensor(gb)]
  }
}

/// A synthetic case: a bright box of class 3 in a noisy [1, 1, 12, 12, 12] volume.
private func syntheticCase(seed: UInt64) -> (image: Tensor, labels: IntTensor) {
  var rng = RandomGenerator(seed: seed)
  var labels = [Int32](repeating: 0, count: 12 * 12 * 12)
  let o = 2 + rng.nextInt(below: 4)
  for i in o..<(o + 5) { for j in o..<(o + 6) { for k in 3..<9 { labels[(i * 12 + j) * 12 + k] = 3 } } }
  let image = labels.map { Float($0 == 3 ? 1 : -1) + 0.3 * rng.nextNormal() }
  return (
    try! Tensor(shape: [1, 1, 12, 12, 12], scalars: image),
    try! IntTensor(shape: [1, 1, 12, 12, 12], scalars: labels)
  )
}

/// Everything a run needs to continue: what the trainer saves.
private final class ToyRun {
  let w = Parameter("head.weight", Tensor([0.1, -0.1]))
  let bias = Parameter("head.bias", Tensor([0, 0]))
  var optimizer: Adam
  var rng = RandomGenerator(seed: 42)
  var step = 0
  let schedule = LRSchedule.warmupCosine(warmupSteps: 2, totalSteps: 40, warmupMultiplier: 0.1)
  let scaler = try! GradScaler(initScale: 1024)
  let slots = [0: 0, 3: 1]  // label-set class → parameter slot

  init() { optimizer = try! Adam([w, bias], lr: 0.05) }

  /// One tutorial-style step on one patch; returns the loss (nil when the sampler gave no prompt).
  func trainStep(_ data: (image: Tensor, labels: IntTensor)) throws -> Float? {
    optimizer.lr = schedule.lr(base: 0.2, step: step)
    step += 1
    let options = PromptSamplerOptions.tutorial(labelSet: [0, 3], mode: .autoOnly)
    guard let prompt = try samplePromptPairs(labels: data.labels, options: options, using: &rng) else {
      return nil
    }
    let targets = try promptTargets(labels: data.labels, classes: prompt.classes)
    let logits = toyLogits(data.image, prompt.classes.map { slots[$0]! }, w.variable, bias.variable)
    let loss = try DiceCELoss(squaredPred: true, smoothNr: 1e-4, smoothDr: 1e-2)(logits, targets)
    optimizer.zeroGrad()
    try scaler.scale(loss).backward()
    try scaler.unscale(optimizer.parameters)
    try clipGradNorm(optimizer.parameters, maxNorm: 10)
    try scaler.step(optimizer)
    scaler.update()
    return loss.value.scalars[0]
  }

  func validate(_ data: (image: Tensor, labels: IntTensor)) throws -> Float {
    let options = SlidingWindowOptions(roi: [8, 8, 8], overlap: [0.25], swBatchSize: 2)
    let logits = try GradMode.withNoGrad {
      try slidingWindowInference(data.image, options: options) { patch in
        let n = patch.shape[0]
        let per = patch.count / n
        var out: [Float] = []
        for b in 0..<n {
          let x = try Tensor(shape: [1, 1, 8, 8, 8], scalars: Array(patch.scalars[b * per..<(b + 1) * per]))
          out += toyLogits(x, [1], w.variable, bias.variable).value.scalars
        }
        return try Tensor(shape: [n, 1, 8, 8, 8], scalars: out)
      }
    }
    let pred = try vistaPostProcess(try logits.reshaped([1, 12, 12, 12]), labelPrompt: [3])
    return try DiceMetric.perClass(
      prediction: pred, label: data.labels.reshaped([1, 12, 12, 12]), classes: [3])[0]
  }

  /// Saves parameters, optimizer, scaler, RNG and step into a run folder.
  func save(to run: RunFolder) throws {
    try StateFile.write([w.name: w.value, bias.name: bias.value], to: run.file("last.safetensors"))
    try optimizer.stateDict().save(to: run.file("optimizer.safetensors"))
    try run.writeParams(Resume(step: step, rng: rng, scaler: scaler.stateDict()))
  }

  func load(from run: RunFolder) throws {
    let weights = try StateFile.read(run.file("last.safetensors")).tensors
    w.value = weights[w.name]!
    bias.value = weights[bias.name]!
    try optimizer.loadStateDict(try OptimizerState.load(from: run.file("optimizer.safetensors")))
    let r = try run.readParams(Resume.self)
    (step, rng) = (r.step, r.rng)
    try scaler.loadStateDict(r.scaler)
  }

  struct Resume: Codable {
    var step: Int
    var rng: RandomGenerator
    var scaler: [String: Double]
  }
}

@Suite struct TrainingLoopTests {
  @Test func toyModelLearnsTheSyntheticClass() throws {
    let run = ToyRun()
    let data = (0..<4).map { syntheticCase(seed: UInt64($0)) }
    let before = try run.validate(data[0])
    var losses: [Float] = []
    for _ in 0..<6 {
      for d in data { if let l = try run.trainStep(d) { losses.append(l) } }
    }
    let after = try run.validate(data[0])
    #expect(losses.count == 24)
    #expect(losses.suffix(4).reduce(0, +) < losses.prefix(4).reduce(0, +))
    #expect(after > 0.9)
    #expect(after > before)
  }

  @Test func interruptedThenResumedRunGivesTheSameLossesBitForBit() throws {
    let data = (0..<3).map { syntheticCase(seed: UInt64(10 + $0)) }
    let straight = ToyRun()
    var expected: [Float?] = []
    for i in 0..<9 { expected.append(try straight.trainStep(data[i % 3])) }

    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "vista-resume-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let folder = try RunFolder(name: "toy", root: root)
    let first = ToyRun()
    var got: [Float?] = []
    for i in 0..<4 { got.append(try first.trainStep(data[i % 3])) }
    try first.save(to: folder)
    let resumed = ToyRun()  // a fresh process: new parameters, optimizer, RNG
    try resumed.load(from: folder)
    for i in 4..<9 { got.append(try resumed.trainStep(data[i % 3])) }
    #expect(got == expected)
    #expect(resumed.w.value == straight.w.value)
    #expect(resumed.bias.value == straight.bias.value)
  }
}
