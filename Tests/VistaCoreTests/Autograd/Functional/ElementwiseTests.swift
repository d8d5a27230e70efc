import Testing
import TestSupport
@testable import VistaCore

@Suite struct ElementwiseTests {
  static var unary: [String: (Variable) -> Variable] {
    [
    "sin": sin, "cos": cos, "exp": exp, "log": log, "sqrt": sqrt, "square": square,
    "clamp": { clamp($0, min: -0.5, max: 0.7) },
    ]
  }

  @Test(arguments: ["sin", "cos", "exp", "log", "sqrt", "square", "clamp"])
  func matchesPyTorch(_ name: String) throws {
    try GoldenOp(name).check(inputs: 1) { v in Self.unary[name]!(v[0]) }
  }

  @Test func handComputedValues() {
    let x = Variable(Tensor([-2, 0, 0.25, 4]))
    #expect(square(x).value == Tensor([4, 0, 0.0625, 16]))
    #expect(abs(x).value == Tensor([2, 0, 0.25, 4]))
    #expect(clamp(x, min: 0).value == Tensor([0, 0, 0.25, 4]))
    #expect(clamp(x, max: 1).value == Tensor([-2, 0, 0.25, 1]))
    #expect(sqrt(Variable(Tensor([0, 4, 9]))).value == Tensor([0, 2, 3]))
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    let x = testTensor([3, 4], seed: 5, gap: 0.2, scale: 2)
    let pos = x.map { Swift.abs($0) + 0.5 }
    for (name, f) in Self.unary where name != "log" && name != "sqrt" && name != "clamp" {
      try gradcheck([x], eps: 1e-3, name) { v in f(v[0]) }
    }
    try gradcheck([pos], eps: 1e-3, "log") { v in log(v[0]) }
    try gradcheck([pos], eps: 1e-3, "sqrt") { v in sqrt(v[0]) }
    // Clamp bounds chosen away from the sample values so differences do not straddle a kink.
    let kinkFree = x.map { $0 > -0.5 && $0 < 0.5 ? $0 * 0.5 : $0 }
    try gradcheck([kinkFree], eps: 1e-3, "clamp") { v in clamp(v[0], min: -0.6, max: 0.6) }
    try gradcheck([x], eps: 1e-3, "abs") { v in abs(v[0]) }
  }

  @Test func largeTensorUsesParallelPathCorrectly() {
    // Above the parallel threshold: every element must be mapped exactly once.
    let n = 100_003
    let x = Variable(Tensor.arange(n))
    let y = square(x).value
    #expect(y.scalars[0] == 0 && y.scalars[n - 1] == Float(n - 1) * Float(n - 1))
    #expect(y.scalars[n / 2] == Float(n / 2) * Float(n / 2))
  }
}
