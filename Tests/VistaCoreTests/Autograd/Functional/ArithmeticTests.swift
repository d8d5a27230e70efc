import Testing
import TestSupport
@testable import VistaCore

@Suite struct ArithmeticTests {
  @Test(arguments: ["add", "sub", "mul", "div"])
  func broadcastingMatchesPyTorch(_ name: String) throws {
    let ops: [String: (Variable, Variable) throws -> Variable] = ["add": add, "sub": sub, "mul": mul, "div": div]
    try GoldenOp(name).check(inputs: 2) { v in try ops[name]!(v[0], v[1]) }
  }

  @Test func broadcastHandComputed() throws {
    // [2, 1] + [3] → [2, 3]; a [2, 1, 1] * b [1, 3] → [2, 1, 3].
    let a = Variable(try Tensor(shape: [2, 1], scalars: [10, 20]))
    let b = Variable(Tensor([1, 2, 3]))
    #expect(try (a + b).value == Tensor(shape: [2, 3], scalars: [11, 12, 13, 21, 22, 23]))
    let c = Variable(try Tensor(shape: [2, 1, 1], scalars: [2, -1]))
    let d = Variable(try Tensor(shape: [1, 3], scalars: [1, 2, 3]))
    #expect(try (c * d).value == Tensor(shape: [2, 1, 3], scalars: [2, 4, 6, -1, -2, -3]))
    // A 0-d scalar broadcasts against anything.
    let s = Variable(Tensor(scalar: 4))
    #expect(try (b - s).value == Tensor([-3, -2, -1]))
  }

  @Test func scalarOperators() throws {
    let x = Variable(Tensor([1, 2, 4]))
    #expect(try (x + 1).value == Tensor([2, 3, 5]))
    #expect(try (1 - x).value == Tensor([0, -1, -3]))
    #expect(try (x * 3).value == Tensor([3, 6, 12]))
    #expect(try (x / 2).value == Tensor([0.5, 1, 2]))
    #expect(try (8 / x).value == Tensor([8, 4, 2]))
    #expect((-x).value == Tensor([-1, -2, -4]))
  }

  @Test func broadcastGradientsMatchFiniteDifferences() throws {
    let a = testTensor([2, 3, 1], seed: 1)
    let b = testTensor([3, 4], seed: 2, gap: 0.5)
    try gradcheck([a, b], "add") { v in try v[0] + v[1] }
    try gradcheck([a, b], "sub") { v in try v[0] - v[1] }
    try gradcheck([a, b], "mul") { v in try v[0] * v[1] }
    try gradcheck([a, b], eps: 1e-3, "div") { v in try v[0] / v[1] }
  }

  @Test func scalarGradientsMatchFiniteDifferences() throws {
    let x = testTensor([2, 3], seed: 3, gap: 0.5)
    try gradcheck([x], "scalar ops") { v in
      let a = try 2 * v[0] + 1
      let b = try 3 - v[0] / 4
      return try a * b + 1 / v[0]
    }
  }

  @Test func gradientOnlyForInputsThatNeedIt() throws {
    let a = Variable.leaf(Tensor([1, 2]))
    let b = Variable(Tensor([3, 4]))
    try (a * b).backward(seed: Tensor([1, 1]))
    #expect(a.grad == Tensor([3, 4]))
    #expect(b.grad == nil)
  }

  @Test func mismatchNamesOpAndBothShapes() {
    let a = Variable(Tensor(zeros: [2, 3]))
    let b = Variable(Tensor(zeros: [4]))
    expectVistaError(["add", "[2, 3]", "[4]"]) { try a + b }
    expectVistaError(["mul", "[2, 3]", "[4]"]) { try mul(a, b) }
    expectVistaError(["div", "[4]", "[2, 3]"]) { try b / a }
  }
}
