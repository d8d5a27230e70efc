import TestSupport
import Testing

@testable import VistaCore

private func fixture(_ name: String) throws -> Tensor {
  try NPY.readTensor(Fixtures.golden("train/\(name).npy"))
}

/// Forward value and input gradient against the PyTorch/MONAI fixture `name`.
private func checkAgainstTorch(_ name: String, _ loss: (Variable, Tensor) throws -> Variable) throws {
  let x = Variable.leaf(try fixture("\(name)_input"))
  let y = try fixture("\(name)_target")
  let out = try loss(x, y)
  try out.backward()
  expectRelativeClose(out.value, try fixture("\(name)_loss").reshaped([]), tol: 1e-5, "\(name) loss")
  expectRelativeClose(x.grad!, try fixture("\(name)_grad"), tol: 1e-5, "\(name) grad")
}

@Suite struct DiceLossTests {
  @Test func defaultMatchesMonai() throws {
    try checkAgainstTorch("dice_default") { try DiceLoss()($0, $1) }
  }

  @Test func squaredPredMatchesMonai() throws {
    try checkAgainstTorch("dice_squared") {
      try DiceLoss(squaredPred: true, smoothNr: 1e-4, smoothDr: 1e-2)($0, $1)
    }
  }

  @Test func batchMatchesMonai() throws {
    try checkAgainstTorch("dice_batch") { try DiceLoss(batch: true)($0, $1) }
  }

  @Test func diceCEBinaryMatchesMonai() throws {
    try checkAgainstTorch("dicece_binary") { try DiceCELoss(lambdaDice: 0.7, lambdaCE: 1.3)($0, $1) }
  }

  @Test func diceCEBundleSettingsMatchMonai() throws {
    try checkAgainstTorch("dicece_bundle") {
      try DiceCELoss(squaredPred: true, smoothNr: 1e-4, smoothDr: 1e-2)($0, $1)
    }
  }

  @Test func diceCEMultiChannelUsesSoftmaxCrossEntropy() throws {
    try checkAgainstTorch("dicece_multi") { try DiceCELoss()($0, $1) }
  }

  @Test(arguments: [false, true]) func gradientsMatchFiniteDifferences(_ squared: Bool) throws {
    var rng = RandomGenerator(seed: 11)
    let x = Tensor.normal([2, 2, 3, 2, 2], using: &rng)
    let t = Tensor.uniform([2, 2, 3, 2, 2], using: &rng).map { $0 > 0.5 ? 1 : 0 }
    try gradcheck([x], eps: 1e-2, rtol: 2e-2, atol: 1e-4, "dice") { v in
      try DiceLoss(squaredPred: squared, smoothNr: 1e-3, smoothDr: 1e-3, reduction: .sum)(v[0], t)
    }
    try gradcheck([x], eps: 1e-2, rtol: 2e-2, atol: 1e-4, "dice_ce softmax") { v in
      try DiceCELoss(squaredPred: squared, batch: true, lambdaDice: 0.5)(v[0], t)
    }
    let x1 = try x.reshaped([4, 1, 3, 2, 2])
    let t1 = try t.reshaped([4, 1, 3, 2, 2])
    try gradcheck([x1], eps: 1e-2, rtol: 2e-2, atol: 1e-4, "dice_ce binary") { v in
      try DiceCELoss(squaredPred: squared, reduction: .sum, lambdaCE: 2)(v[0], t1)
    }
  }

  @Test func rejectsMismatchedShapes() {
    let x = Variable(Tensor(zeros: [1, 1, 4]))
    #expect(throws: VistaError.self) { try DiceLoss()(x, Tensor(zeros: [1, 1, 5])) }
    #expect(throws: VistaError.self) { try DiceLoss()(Variable(Tensor(zeros: [4])), Tensor(zeros: [4])) }
    #expect(throws: VistaError.self) { try DiceCELoss(lambdaCE: -1) }
  }

  @Test func perfectPredictionHasNearZeroLossAndFrozenInputRecordsNothing() throws {
    let target = try Tensor([0, 1, 1, 0]).reshaped([1, 1, 4])
    let logits = try target.map { $0 > 0 ? 30 : -30 }.reshaped([1, 1, 4])
    let out = try DiceLoss()(Variable(logits), target)
    #expect(out.value.scalars[0] < 1e-5)
    #expect(!out.requiresGrad)
  }
}
