import Testing
import TestSupport
@testable import VistaCore

@Suite struct ReductionTests {
  @Test func sumAndMeanMatchPyTorch() throws {
    try GoldenOp("sum_axes").check(inputs: 1) { v in try sum(v[0], axes: [1, -1], keepDims: true) }
    try GoldenOp("mean_axes").check(inputs: 1) { v in try mean(v[0], axes: [0, 2]) }
  }

  @Test func handComputed() throws {
    let x = Variable(try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
    let all = try sum(x)
    #expect(all.shape == [] && all.value.scalars == [21])
    #expect(try sum(x, axes: [0]).value == Tensor([5, 7, 9]))
    #expect(try sum(x, axes: [-1], keepDims: true).value == Tensor(shape: [2, 1], scalars: [6, 15]))
    #expect(try mean(x).value.scalars == [3.5])
    #expect(try mean(x, axes: [1]).value == Tensor([2, 5]))
    #expect(try sum(x, axes: []).value == x.value)
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    let x = testTensor([2, 3, 4], seed: 4)
    try gradcheck([x], "sum all") { v in try sum(v[0]) }
    try gradcheck([x], "sum 0,2") { v in try sum(v[0], axes: [0, 2]) }
    try gradcheck([x], "mean -1 keep") { v in try mean(v[0], axes: [-1], keepDims: true) }
    try gradcheck([x], "mean 1") { v in try mean(v[0], axes: [1]) }
  }

  @Test func badAxisNamesOpAndShape() {
    let x = Variable(Tensor(zeros: [2, 3]))
    expectVistaError(["sum", "[2, 3]", "2"]) { try sum(x, axes: [2]) }
    expectVistaError(["mean", "[2, 3]", "-3"]) { try mean(x, axes: [-3]) }
  }
}
