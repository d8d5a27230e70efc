import Testing
import TestSupport
@testable import VistaCore

/// A test-local op: elementwise product, recorded on the tape.
private func product(_ a: Variable, _ b: Variable) -> Variable {
  let av = a.value
  let bv = b.value
  let y = Tensor(unchecked: av.shape, zip(av.scalars, bv.scalars).map { $0 * $1 })
  return Variable.record(y, op: "mul", inputs: [a, b]) { g in
    [
      Tensor(unchecked: g.shape, zip(g.scalars, bv.scalars).map { $0 * $1 }),
      Tensor(unchecked: g.shape, zip(g.scalars, av.scalars).map { $0 * $1 }),
    ]
  }
}

/// A test-local op: sum to a scalar.
private func total(_ a: Variable) -> Variable {
  let shape = a.shape
  return Variable.record(Tensor(scalar: Float(a.value.sum())), op: "sum", inputs: [a]) { g in
    [Tensor(repeating: g.scalars[0], shape: shape)]
  }
}

@Suite struct VariableTests {
  @Test func backwardThroughSharedSubexpression() throws {
    // y = sum(x * x * w): dy/dx = 2 x w, dy/dw = x².
    let x = Variable.leaf(Tensor([1, 2, 3]))
    let w = Parameter("w", Tensor([0.5, -1, 2]))
    let xx = product(x, x)
    let y = total(product(xx, w.variable))
    try y.backward()
    #expect(x.grad?.scalars == [1, -4, 12])
    #expect(w.grad?.scalars == [1, 4, 9])
  }

  @Test func gradientsAccumulateUntilZeroGrad() throws {
    let w = Parameter("w", Tensor([2, 3]))
    for _ in 0..<2 { try total(product(w.variable, w.variable)).backward() }
    #expect(w.grad?.scalars == [8, 12])
    w.zeroGrad()
    #expect(w.grad == nil)
  }

  @Test func frozenParameterRecordsNothing() throws {
    let w = Parameter("w", Tensor([2, 3]), requiresGrad: false)
    let c = Variable(Tensor([1, 1]))
    let y = total(product(w.variable, c))
    #expect(!y.requiresGrad)
    #expect(throws: VistaError.self) { try y.backward() }
    #expect(w.grad == nil)
  }

  @Test func noGradModeRecordsNothing() {
    let w = Parameter("w", Tensor([2, 3]))
    let y = GradMode.withNoGrad { total(product(w.variable, w.variable)) }
    #expect(!y.requiresGrad)
    #expect(GradMode.isEnabled)
  }

  @Test func savedActivationsAreReleasedAfterBackward() throws {
    let w = Parameter("w", Tensor([2, 3]))
    let y = total(product(w.variable, w.variable))
    try y.backward()
    #expect(y.node?.inputs.isEmpty == true)
    #expect(y.node?.pullback == nil)
    // A second backward on a consumed graph is a clear error, not a silent zero.
    #expect(throws: VistaError.self) { try y.backward() }
  }

  @Test func nonScalarBackwardNeedsSeed() throws {
    let x = Variable.leaf(Tensor([1, 2]))
    let y = product(x, x)
    #expect(throws: VistaError.self) { try y.backward() }
    try y.backward(seed: Tensor([1, 1]))
    #expect(x.grad?.scalars == [2, 4])
  }

  @Test func deepChainDoesNotOverflowTheStack() throws {
    var v = Variable.leaf(Tensor([1]))
    let leaf = v
    let one = Variable(Tensor([1]))
    for _ in 0..<20_000 { v = product(v, one) }
    try total(v).backward()
    #expect(leaf.grad?.scalars == [1])
  }
}
