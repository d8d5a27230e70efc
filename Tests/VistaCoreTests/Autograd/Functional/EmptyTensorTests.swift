import Testing
import TestSupport
@testable import VistaCore

/// Zero-element tensors flow through every op without trapping (PyTorch allows them too).
@Suite struct EmptyTensorTests {
  @Test func opsAcceptEmptyTensors() throws {
    let e = Variable.leaf(Tensor(zeros: [0, 3]))
    let r = Variable(Tensor([1, 2, 3]))
    let y = try e * r + 1
    #expect(y.shape == [0, 3])
    #expect(relu(gelu(exp(y))).shape == [0, 3])
    #expect(try sum(e, axes: [0]).value == Tensor([0, 0, 0]))
    #expect(try sum(e).value.scalars == [0])
    #expect(try softmax(e, axis: 1).shape == [0, 3])
    #expect(try linear(e, weight: Variable(Tensor(zeros: [2, 3]))).shape == [0, 2])
    #expect(try matmul(e, Variable(Tensor(zeros: [3, 4]))).shape == [0, 4])
    #expect(try layerNorm(e).shape == [0, 3])
    #expect(try concat([e, e], axis: 0).shape == [0, 3])
    #expect(try permute(e, [1, 0]).shape == [3, 0])
    #expect(try slice(r, axis: 0, range: 1..<1).shape == [0])
    #expect(try embedding(Variable(Tensor(zeros: [4, 2])), indices: IntTensor([])).shape == [0, 2])
    #expect(try instanceNorm(Variable(Tensor(zeros: [1, 2, 0]))).shape == [1, 2, 0])
    try sum(try e * r).backward()
    #expect(e.grad?.shape == [0, 3])
  }
}
