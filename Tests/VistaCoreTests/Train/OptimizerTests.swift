import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// Loads `train/<name>.npy`.
func golden(_ name: String) throws -> Tensor {
  try NPY.readTensor(Fixtures.golden("train/\(name).npy"))
}

/// Row `i` of a stacked fixture [T, ...] as a tensor of the remaining shape.
func row(_ t: Tensor, _ i: Int) -> Tensor {
  let shape = Array(t.shape.dropFirst())
  let n = shape.elementCount
  return try! Tensor(shape: shape, scalars: Array(t.scalars[i * n..<(i + 1) * n]))
}

@Suite struct OptimizerTests {
  /// Mirrors scripts/dev/golden/train.py OPTIMIZERS (b has no gradient at step 2).
  static let names = ["adam", "adam_l2", "adamw", "adamw_wd", "sgd", "sgd_momentum", "sgd_nesterov"]

  static func make(_ name: String, _ ps: [Parameter]) throws -> Optimizer {
    switch name {
    case "adam": return try Adam(ps, lr: 1e-2)
    case "adam_l2": return try Adam(ps, lr: 3e-3, betas: (0.8, 0.95), eps: 1e-6, weightDecay: 0.1)
    case "adamw": return try AdamW(ps, lr: 1e-2)
    case "adamw_wd": return try AdamW(ps, lr: 5e-3, betas: (0.85, 0.99), eps: 1e-7, weightDecay: 0.2)
    case "sgd": return try SGD(ps, lr: 0.1)
    case "sgd_momentum": return try SGD(ps, lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01)
    default: return try SGD(ps, lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.02)
    }
  }

  func run(_ name: String, resumeAfter: Int? = nil) throws {
    let ga = try golden("optim_grads_a")
    let gb = try golden("optim_grads_b")
    let ea = try golden("optim_\(name)_a")
    let eb = try golden("optim_\(name)_b")
    var a = Parameter("layer.weight", try golden("optim_init_a"))
    var b = Parameter("layer.bias", try golden("optim_init_b"))
    var opt = try Self.make(name, [a, b])
    for t in 0..<ga.shape[0] {
      if t == resumeAfter {
        // Rebuild everything from saved values and state, as a resumed run does.
        let state = opt.stateDict()
        a = Parameter(a.name, a.value)
        b = Parameter(b.name, b.value)
        opt = try Self.make(name, [a, b])
        try opt.loadStateDict(state)
      }
      opt.zeroGrad()
      a.grad = row(ga, t)
      b.grad = t == 2 ? nil : row(gb, t)
      try opt.step()
      expectRelativeClose(a.value, row(ea, t), tol: 1e-6, "\(name) a step \(t)")
      expectRelativeClose(b.value, row(eb, t), tol: 1e-6, "\(name) b step \(t)")
    }
  }

  @Test(arguments: names) func matchesTorch(_ name: String) throws {
    try run(name)
  }

  @Test(arguments: names) func resumesFromStateDict(_ name: String) throws {
    try run(name, resumeAfter: 3)
  }

  @Test func frozenParametersAreSkipped() throws {
    let a = Parameter("a", Tensor([1, 2]))
    let b = Parameter("b", Tensor([3, 4]), requiresGrad: false)
    let opt = try Adam([a, b], lr: 0.1)
    a.grad = Tensor([1, 1])
    b.grad = Tensor([1, 1])
    try opt.step()
    #expect(b.value.scalars == [3, 4])
    #expect(a.value.scalars != [1, 2])
    #expect(opt.stateDict().scalars["b.step"] == nil)
    #expect(opt.stateDict().scalars["a.step"] == 1)
  }

  @Test func rejectsDuplicateNamesAndBadGradients() throws {
    let a = Parameter("w", Tensor([1, 2]))
    #expect(throws: VistaError.self) { try SGD([a, Parameter("w", Tensor([1]))]) }
    a.grad = Tensor([1, 2, 3])
    #expect(throws: VistaError.self) { try SGD([a], lr: 0.1).step() }
    let adam = try Adam([a])
    #expect(throws: VistaError.self) { try adam.loadStateDict(OptimizerState(kind: "sgd")) }
    #expect(throws: VistaError.self) {
      try adam.loadStateDict(
        OptimizerState(
          kind: "adam", tensors: ["w.exp_avg": Tensor([1]), "w.exp_avg_sq": Tensor([1])],
          scalars: ["w.step": 1]))
    }
  }

  @Test func zeroGradClearsGradients() throws {
    let a = Parameter("a", Tensor([1, 2]))
    a.grad = Tensor([1, 1])
    let opt = try SGD([a], lr: 0.1)
    opt.zeroGrad()
    #expect(a.grad == nil)
  }

  @Test(arguments: [("clip_small", 0.5), ("clip_large", 100.0)])
  func clipGradNormMatchesTorch(_ name: String, _ maxNorm: Double) throws {
    let ga = try golden("optim_grads_a")
    let gb = try golden("optim_grads_b")
    let a = Parameter("a", try golden("optim_init_a"))
    let b = Parameter("b", try golden("optim_init_b"))
    a.grad = row(ga, 0)
    b.grad = row(gb, 0)
    let total = try clipGradNorm([a, b], maxNorm: maxNorm)
    let expected = try golden("\(name)_norm").scalars[0]
    #expect(abs(total - expected) <= 1e-6 * expected)
    expectRelativeClose(a.grad!, try golden("\(name)_a"), tol: 1e-6, name)
    expectRelativeClose(b.grad!, try golden("\(name)_b"), tol: 1e-6, name)
  }
}

@Suite struct LRScheduleTests {
  @Test(arguments: [
    ("sched_warmup_cosine", LRSchedule.warmupCosine(warmupSteps: 3, totalSteps: 10, warmupMultiplier: 0.1)),
    (
      "sched_warmup_cosine_end",
      LRSchedule.warmupCosine(warmupSteps: 2, totalSteps: 12, endLR: 0.02, cycles: 1)
    ),
    ("sched_step", LRSchedule.step(stepSize: 3, gamma: 0.5)),
    ("sched_poly", LRSchedule.poly(totalSteps: 8, power: 0.9)),
  ])
  func matchesTorch(_ name: String, _ schedule: LRSchedule) throws {
    try schedule.validate()
    let expected = try golden(name)
    let ours = Tensor((0..<expected.count).map { Float(schedule.lr(base: 0.1, step: $0)) })
    expectRelativeClose(ours, expected, tol: 1e-6, name)
  }

  @Test func constantAndValidation() throws {
    #expect(LRSchedule.constant.lr(base: 0.3, step: 99) == 0.3)
    #expect(throws: VistaError.self) {
      try LRSchedule.warmupCosine(warmupSteps: 1, totalSteps: 5, warmupMultiplier: 2).validate()
    }
    #expect(throws: VistaError.self) { try LRSchedule.step(stepSize: 0).validate() }
    let data = try JSONEncoder().encode(LRSchedule.poly(totalSteps: 4, power: 2))
    #expect(try JSONDecoder().decode(LRSchedule.self, from: data) == .poly(totalSteps: 4, power: 2))
  }
}

@Suite struct EmptyParameterTests {
  @Test func emptyParametersAreHarmless() throws {
    let e = Parameter("empty", Tensor(zeros: [0]))
    e.grad = Tensor(zeros: [0])
    try Adam([e]).step()
    try SGD([e], momentum: 0.9).step()
    #expect(try clipGradNorm([e], maxNorm: 1) == 0)
    #expect(try GradScaler().unscale([e]) == false)
  }
}
