import TestSupport
import Testing

@testable import VistaCore

@Suite struct GradScalerTests {
  @Test func scalesLossAndUnscalesGradients() throws {
    let w = Parameter("w", Tensor([2, -1]))
    let scaler = try GradScaler()
    #expect(scaler.scale == 65536)
    // loss = Σ w·c through a hand-written op, then scaled: grad = c·scale before unscale.
    let c = Tensor([3, 5])
    let loss = Variable.record(Tensor(scalar: 1), op: "dot", inputs: [w.variable]) { g in
      [c.map { $0 * g.scalars[0] }]
    }
    try scaler.scale(loss).backward()
    #expect(w.grad?.scalars == [3 * 65536, 5 * 65536])
    let found = try scaler.unscale([w])
    #expect(!found)
    #expect(w.grad?.scalars == [3, 5])
    #expect(throws: VistaError.self) { try scaler.unscale([w]) }
    let opt = try SGD([w], lr: 0.5)
    #expect(try scaler.step(opt))
    #expect(w.value.scalars == [0.5, -3.5])
    scaler.update()
    #expect(scaler.growthTracker == 1)
  }

  @Test func skipsStepAndBacksOffOnNonFinite() throws {
    let w = Parameter("w", Tensor([1, 1]))
    let opt = try Adam([w], lr: 0.1)
    let scaler = try GradScaler(initScale: 1024)
    for bad in [Float.infinity, .nan] {
      w.grad = Tensor([1, bad])
      let stepped = try scaler.step(opt)
      #expect(!stepped)
      #expect(scaler.foundInf)
      scaler.update()
    }
    #expect(w.value.scalars == [1, 1])
    #expect(scaler.scale == 256)
    #expect(opt.stateDict().scalars["w.step"] == nil)
  }

  @Test func growsAfterIntervalOfCleanSteps() throws {
    let w = Parameter("w", Tensor([1]))
    let opt = try SGD([w], lr: 0)
    let scaler = try GradScaler(initScale: 8, growthInterval: 3)
    var scales: [Float] = []
    for i in 0..<8 {
      w.grad = Tensor([i == 4 ? .infinity : 1])
      try scaler.step(opt)
      scaler.update()
      scales.append(scaler.scale)
    }
    // clean ×3 → 16; inf at step 4 → 8 and the count restarts; 3 more clean → 16.
    #expect(scales == [8, 8, 16, 16, 8, 8, 8, 16])
  }

  @Test func stateRoundTripsAndDisabledIsPassThrough() throws {
    let scaler = try GradScaler(initScale: 4, growthInterval: 5)
    let w = Parameter("w", Tensor([1]))
    w.grad = Tensor([1])
    try scaler.step(try SGD([w], lr: 0))
    scaler.update()
    let restored = try GradScaler()
    try restored.loadStateDict(scaler.stateDict())
    #expect(restored.scale == 4)
    #expect(restored.growthTracker == 1)
    #expect(restored.growthInterval == 5)

    let off = try GradScaler(enabled: false)
    w.grad = Tensor([.nan])
    #expect(try off.step(try SGD([w], lr: 1)))
    #expect(off.lossSeed.scalars == [1])
  }

  @Test func matchesTorchAmpGradScaler() throws {
    // scripts/dev/golden/train.py grad_scaler(): loss = Σ p·c · f with f = inf at step 2, NaN at 6.
    let scales = try golden("scaler_scales")
    let params = try golden("scaler_params")
    let p = Parameter("p", Tensor([1, -2, 3]))
    let opt = try SGD([p], lr: 0.1)
    let scaler = try GradScaler(initScale: 8, growthInterval: 3)
    let c: [Float] = [0.5, 1, -1.5]
    for t in 0..<10 {
      opt.zeroGrad()
      let f: Float = t == 2 ? .infinity : t == 6 ? .nan : 1
      let value = zip(p.value.scalars, c).reduce(Float(0)) { $0 + $1.0 * $1.1 } * f
      let loss = Variable.record(Tensor(scalar: value), op: "dot", inputs: [p.variable]) { g in
        [Tensor(c.map { $0 * f * g.scalars[0] })]
      }
      try scaler.scale(loss).backward()
      try scaler.unscale([p])
      let stepped = try scaler.step(opt)
      #expect(stepped == (t != 2 && t != 6))
      scaler.update()
      #expect(scaler.scale == scales.scalars[t], "scale after step \(t)")
      expectRelativeClose(p.value, row(params, t), tol: 1e-6, "p after step \(t)")
    }
  }
}
