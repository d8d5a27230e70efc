import Testing
import TestSupport
@testable import VistaCore

@Suite struct NormalizationTests {
  @Test func instanceNormMatchesPyTorch() throws {
    try GoldenOp("instance_norm3d").check(inputs: 3) { v in
      try instanceNorm(v[0], weight: v[1], bias: v[2])
    }
    try GoldenOp("instance_norm1d").check(inputs: 1) { v in try instanceNorm(v[0]) }
  }

  @Test func fusedActivationsMatchPyTorch() throws {
    try GoldenOp("instance_norm_relu").check(inputs: 3) { v in
      try instanceNorm(v[0], weight: v[1], bias: v[2], activation: .relu)
    }
    try GoldenOp("instance_norm_leaky").check(inputs: 3) { v in
      try instanceNorm(v[0], weight: v[1], bias: v[2], activation: .leakyReLU(slope: 0.01))
    }
  }

  @Test func fusedEqualsUnfused() throws {
    let x = Variable.leaf(testTensor([2, 3, 4, 5, 3], seed: 9, scale: 3))
    let w = Variable.leaf(testTensor([3], seed: 10))
    let fused = try instanceNorm(x, weight: w, activation: .relu)
    let plain = relu(try instanceNorm(x, weight: w))
    #expect(fused.value == plain.value)
  }

  @Test func instanceNormHandComputed() throws {
    // One plane [1, 2, 3, 4]: mean 2.5, biased var 1.25.
    let x = Variable(try Tensor(shape: [1, 1, 4], scalars: [1, 2, 3, 4]))
    let y = try instanceNorm(x, eps: 0)
    let s = Float(1.25).squareRoot()
    expectClose(y.value, try Tensor(shape: [1, 1, 4], scalars: [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s]))
    // A constant plane normalises to 0 (variance 0, eps keeps it finite); large offsets stay accurate.
    let c = try instanceNorm(Variable(Tensor(repeating: 7, shape: [1, 1, 2, 2, 2])))
    #expect(c.value.maxAbs() == 0)
    let big = Variable(try Tensor(shape: [1, 1, 4], scalars: [10001, 10002, 10003, 10004]))
    expectClose(try instanceNorm(big, eps: 0).value, y.value, rtol: 1e-4, atol: 1e-4)
  }

  @Test func instanceNormGradientsMatchFiniteDifferences() throws {
    let x = testTensor([2, 2, 3, 2, 2], seed: 21, scale: 2)
    let w = testTensor([2], seed: 22, gap: 0.3)
    let b = testTensor([2], seed: 23)
    try gradcheck([x, w, b], eps: 1e-2, rtol: 3e-2, atol: 3e-3, "instanceNorm") { v in
      try instanceNorm(v[0], weight: v[1], bias: v[2])
    }
    try gradcheck([testTensor([1, 3, 11], seed: 24)], "instanceNorm1d no affine") { v in try instanceNorm(v[0]) }
  }

  @Test func layerNormMatchesPyTorch() throws {
    try GoldenOp("layer_norm").check(inputs: 3) { v in try layerNorm(v[0], weight: v[1], bias: v[2]) }
  }

  @Test func layerNormGradientsMatchFiniteDifferences() throws {
    let x = testTensor([3, 5], seed: 31, scale: 2)
    try gradcheck([x, testTensor([5], seed: 32, gap: 0.3), testTensor([5], seed: 33)], "layerNorm") { v in
      try layerNorm(v[0], weight: v[1], bias: v[2])
    }
    try gradcheck([x], "layerNorm no affine") { v in try layerNorm(v[0]) }
  }

  @Test func badShapesNameOpAndShapes() {
    let x = Variable(Tensor(zeros: [1, 3, 4, 4]))
    expectVistaError(["instanceNorm", "[1, 3, 4, 4]", "[4]"]) {
      try instanceNorm(x, weight: Variable(Tensor(zeros: [4])))
    }
    expectVistaError(["instanceNorm", "[2, 3]"]) { try instanceNorm(Variable(Tensor(zeros: [2, 3]))) }
    expectVistaError(["layerNorm", "[1, 3, 4, 4]", "[3]"]) {
      try layerNorm(x, weight: Variable(Tensor(zeros: [3])))
    }
  }
}
