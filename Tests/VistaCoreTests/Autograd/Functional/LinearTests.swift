import Testing
import TestSupport
@testable import VistaCore

@Suite struct LinearTests {
  @Test func linearAndMatmulMatchPyTorch() throws {
    try GoldenOp("linear").check(inputs: 3) { v in try linear(v[0], weight: v[1], bias: v[2]) }
    try GoldenOp("matmul").check(inputs: 2) { v in try matmul(v[0], v[1]) }
    try GoldenOp("matmul_shared").check(inputs: 2) { v in try matmul(v[0], v[1]) }
  }

  @Test func handComputed() throws {
    // [[1, 2], [3, 4]] · [[5], [6]] = [[17], [39]]; linear adds the bias per output.
    let a = Variable(try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
    let b = Variable(try Tensor(shape: [2, 1], scalars: [5, 6]))
    #expect(try matmul(a, b).value == Tensor(shape: [2, 1], scalars: [17, 39]))
    let w = Variable(try Tensor(shape: [1, 2], scalars: [5, 6]))
    #expect(try linear(a, weight: w, bias: Variable(Tensor([1]))).value == Tensor(shape: [2, 1], scalars: [18, 40]))
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    try gradcheck(
      [testTensor([2, 3, 4], seed: 1), testTensor([5, 4], seed: 2), testTensor([5], seed: 3)], "linear"
    ) { v in try linear(v[0], weight: v[1], bias: v[2]) }
    try gradcheck([testTensor([2, 1, 3, 4], seed: 4), testTensor([3, 4, 2], seed: 5)], "batched broadcast") { v in
      try matmul(v[0], v[1])
    }
    try gradcheck([testTensor([3, 4], seed: 6), testTensor([2, 4, 2], seed: 7)], "broadcast a") { v in
      try matmul(v[0], v[1])
    }
    try gradcheck([testTensor([2, 3, 4], seed: 8), testTensor([4, 2], seed: 9)], "folded") { v in
      try matmul(v[0], v[1])
    }
  }

  @Test func mismatchNamesOpAndBothShapes() {
    let x = Variable(Tensor(zeros: [2, 3]))
    expectVistaError(["linear", "[2, 3]", "[4, 5]"]) { try linear(x, weight: Variable(Tensor(zeros: [4, 5]))) }
    expectVistaError(["linear", "[4, 3]", "[5]"]) {
      try linear(x, weight: Variable(Tensor(zeros: [4, 3])), bias: Variable(Tensor(zeros: [5])))
    }
    expectVistaError(["matmul", "[2, 3]", "[4, 2]"]) { try matmul(x, Variable(Tensor(zeros: [4, 2]))) }
    expectVistaError(["matmul", "[2, 2, 3]", "[3, 3, 1]"]) {
      try matmul(Variable(Tensor(zeros: [2, 2, 3])), Variable(Tensor(zeros: [3, 3, 1])))
    }
  }
}
