import Foundation
import Testing
import TestSupport
@testable import VistaCore

@Suite struct ActivationTests {
  @Test(arguments: ["relu", "leaky_relu", "gelu", "sigmoid"])
  func matchesPyTorch(_ name: String) throws {
    let ops: [String: (Variable) -> Variable] = [
      "relu": relu, "leaky_relu": { leakyRelu($0, slope: 0.2) }, "gelu": gelu, "sigmoid": sigmoid,
    ]
    try GoldenOp(name).check(inputs: 1) { v in ops[name]!(v[0]) }
  }

  @Test func handComputedValues() {
    let x = Variable(Tensor([-2, 0, 3]))
    #expect(relu(x).value == Tensor([0, 0, 3]))
    #expect(leakyRelu(x).value == Tensor([-0.02, 0, 3]))
    // Far tails neither overflow nor turn into NaN: σ(−100) = e⁻¹⁰⁰ ≈ 3.78e-44 (subnormal).
    let s = sigmoid(Variable(Tensor([0, -100, 100]))).value.scalars
    #expect(s[0] == 0.5 && s[1] > 0 && s[1] < 1e-30 && s[2] == 1)
    // gelu(1) = Φ(1) = 0.8413447.
    #expect(Swift.abs(gelu(Variable(Tensor([1]))).value.scalars[0] - 0.8413447) < 1e-6)
  }

  /// gelu's vectorizable erf stays within a few float ulps of erf in double everywhere.
  @Test func erfRationalIsAccurateEverywhere() {
    var worst = 0.0
    var worstGelu = 0.0
    for i in -80_000...80_000 {
      let x = Float(i) * 1e-4  // −8 … 8
      worst = Swift.max(worst, Swift.abs(Double(erfRational(x)) - erf(Double(x))))
      let exact = 0.5 * Double(x) * (1 + erf(Double(x) / 2.0.squareRoot()))
      let got = Double(GELUKernel()(x))
      worstGelu = Swift.max(worstGelu, Swift.abs(got - exact) / Swift.max(1, Double(Swift.abs(x))))
    }
    #expect(worst < 5e-7, "erf max error \(worst)")
    #expect(worstGelu < 4e-7, "gelu max error \(worstGelu) (relative to max(|x|, 1))")
    #expect(erfRational(0) == 0 && erfRational(100) == 1 && erfRational(-100) == -1)
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    let x = testTensor([4, 5], seed: 11, gap: 0.1, scale: 2)
    try gradcheck([x], eps: 1e-3, "relu") { v in relu(v[0]) }
    try gradcheck([x], eps: 1e-3, "leakyRelu") { v in leakyRelu(v[0], slope: 0.1) }
    try gradcheck([x], eps: 1e-3, "leakyRelu negative slope") { v in leakyRelu(v[0], slope: -0.3) }
    try gradcheck([x], eps: 1e-3, "gelu") { v in gelu(v[0]) }
    try gradcheck([x], eps: 1e-3, "sigmoid") { v in sigmoid(v[0]) }
  }
}
