import Testing
import TestSupport
@testable import VistaCore

@Suite struct EmbeddingTests {
  @Test func matchesPyTorch() throws {
    let golden = GoldenOp("embedding")
    let indices = try golden.intInput(1)
    try golden.check(inputs: 1) { v in try embedding(v[0], indices: indices) }
  }

  @Test func repeatedIndicesAccumulateGradient() throws {
    let w = Variable.leaf(try Tensor(shape: [3, 2], scalars: [0, 1, 2, 3, 4, 5]))
    let y = try embedding(w, indices: IntTensor([2, 0, 2]))
    #expect(y.value == (try Tensor(shape: [3, 2], scalars: [4, 5, 0, 1, 4, 5])))
    try y.backward(seed: Tensor(shape: [3, 2], scalars: [1, 1, 1, 1, 1, 1]))
    #expect(w.grad == (try Tensor(shape: [3, 2], scalars: [1, 1, 0, 0, 2, 2])))
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    let idx = try IntTensor(shape: [2, 2], scalars: [1, 3, 3, 0])
    try gradcheck([testTensor([4, 3], seed: 2)], "embedding") { v in try embedding(v[0], indices: idx) }
  }

  @Test func outOfRangeIndexIsNamed() {
    let w = Variable(Tensor(zeros: [4, 3]))
    expectVistaError(["embedding", "index 4", "[4, 3]"]) { try embedding(w, indices: IntTensor([0, 4])) }
    expectVistaError(["embedding", "index -1"]) { try embedding(w, indices: IntTensor([-1])) }
  }
}
