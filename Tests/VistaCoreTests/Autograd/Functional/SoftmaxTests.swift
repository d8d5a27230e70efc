import Testing
import TestSupport
@testable import VistaCore

@Suite struct SoftmaxTests {
  @Test func matchesPyTorch() throws {
    try GoldenOp("softmax_axis1").check(inputs: 1) { v in try softmax(v[0], axis: 1) }
    try GoldenOp("softmax_last").check(inputs: 1) { v in try softmax(v[0], axis: -1) }
  }

  @Test func stableForHugeLogits() throws {
    let y = try softmax(Variable(Tensor([1000, 1000, -1000])), axis: 0)
    expectClose(y.value, Tensor([0.5, 0.5, 0]))
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    let x = testTensor([2, 3, 4], seed: 3, scale: 2)
    for axis in [0, 1, -1] {
      try gradcheck([x], eps: 1e-3, "softmax axis \(axis)") { v in try softmax(v[0], axis: axis) }
    }
  }

  @Test func badAxisNamesOpAndShape() {
    expectVistaError(["softmax", "[2, 3]", "axis 2"]) { try softmax(Variable(Tensor(zeros: [2, 3])), axis: 2) }
  }
}

@Suite struct SoftmaxBlockTests {
  @Test func channelSoftmaxOverManyColumnsSumsToOne() throws {
    // inner = 1300 > one block of 512 columns: every column's probabilities sum to 1.
    let x = Variable(testTensor([2, 3, 1300], seed: 4, scale: 20))
    let y = try softmax(x, axis: 1)
    let s = try sum(Variable(y.value), axes: [1])
    expectClose(s.value, Tensor(repeating: 1, shape: [2, 1300]), rtol: 1e-6, atol: 1e-6)
    // Matches the same softmax computed along the last axis after moving the channel there.
    let moved = try softmax(permute(x, [0, 2, 1]), axis: -1)
    #expect(try permute(moved, [0, 2, 1]).value == y.value)
  }
}
