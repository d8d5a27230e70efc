import Testing
import TestSupport
@testable import VistaCore

@Suite struct AttentionTests {
  @Test func matchesVista3dAttention() throws {
    try GoldenOp("attention").check(inputs: 3) { v in try scaledDotProductAttention(v[0], v[1], v[2]) }
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    try gradcheck(
      [testTensor([1, 2, 3, 4], seed: 1), testTensor([1, 2, 5, 4], seed: 2), testTensor([1, 2, 5, 2], seed: 3)],
      eps: 1e-3, "attention"
    ) { v in try scaledDotProductAttention(v[0], v[1], v[2]) }
  }

  @Test func mismatchNamesAllShapes() {
    let q = Variable(Tensor(zeros: [1, 2, 3, 4]))
    let k = Variable(Tensor(zeros: [1, 2, 5, 3]))
    expectVistaError(["scaledDotProductAttention", "[1, 2, 3, 4]", "[1, 2, 5, 3]"]) {
      try scaledDotProductAttention(q, k, k)
    }
  }
}
