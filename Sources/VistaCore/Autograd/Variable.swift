/// Reverse-mode autodiff: a tape of pullback closures walked in reverse topological order.
///
/// Rules of the engine (micrograd's, with PyTorch's memory behaviour):
/// - An op records a `GradNode` only when grad mode is on and some input requires grad; otherwise
///   it records nothing, saves nothing and its backward is never computed (freezing is free).
/// - A node's pullback captures exactly what backward needs (saved activations); the node keeps no
///   reference to its output value, so unused intermediates are freed during forward.
/// - `backward()` calls each pullback once, then drops it, its inputs and the node's gradient, so
///   saved activations are released as soon as backward has used them.
/// - Leaf gradients (parameters) accumulate across `backward()` calls until `zeroGrad()`.

/// One recorded op (or a leaf parameter) in the graph.
public final class GradNode: @unchecked Sendable {
  /// The nodes of the op's inputs, aligned with what `pullback` returns (nil = input needs no grad).
  var inputs: [GradNode?]
  /// Maps the output gradient to one gradient per input (nil where not needed).
  var pullback: ((Tensor) -> [Tensor?])?
  /// The gradient accumulated so far (a leaf keeps it; an interior node only during backward).
  var grad: Tensor?
  /// The op's name, for diagnostics.
  let op: String
  /// True for parameters and other user-created tensors that require grad.
  let isLeaf: Bool

  init(op: String, inputs: [GradNode?], pullback: ((Tensor) -> [Tensor?])?, isLeaf: Bool) {
    self.op = op
    self.inputs = inputs
    self.pullback = pullback
    self.isLeaf = isLeaf
  }

  /// Adds `g` into the accumulated gradient (in place when the buffer is not shared).
  func accumulate(_ g: Tensor) {
    if grad == nil {
      grad = g
    } else {
      grad!.addInPlace(g)
    }
  }
}

/// A tensor that may take part in autodiff: its value plus the graph node that produced it.
public struct Variable: Sendable {
  /// The forward value.
  public var value: Tensor
  /// The graph node, nil for constants and anything computed under no-grad.
  public let node: GradNode?

  /// A constant (never requires grad).
  public init(_ value: Tensor) {
    self.value = value
    self.node = nil
  }

  init(_ value: Tensor, node: GradNode?) {
    self.value = value
    self.node = node
  }

  /// A leaf that requires grad (its gradient is in `grad` after `backward()`).
  public static func leaf(_ value: Tensor, name: String = "leaf") -> Variable {
    Variable(value, node: GradNode(op: name, inputs: [], pullback: nil, isLeaf: true))
  }

  /// True when gradients flow into this value.
  public var requiresGrad: Bool { node != nil }
  /// The value's shape.
  public var shape: [Int] { value.shape }
  /// The gradient of a leaf after `backward()`.
  public var grad: Tensor? { node?.grad }

  /// Records an op's output: `pullback(g)` returns one gradient per input (nil where unneeded).
  ///
  /// When grad mode is off or no input requires grad, nothing is recorded and `pullback` is
  /// dropped unevaluated (with everything it captured).
  @inline(__always)
  public static func record(
    _ value: Tensor, op: String, inputs: [Variable], pullback: @escaping (Tensor) -> [Tensor?]
  ) -> Variable {
    if OpProfile.isEnabled { OpProfile.mark(op, shape: value.shape) }
    guard GradMode.isEnabled, inputs.contains(where: { $0.node != nil }) else {
      return Variable(value)
    }
    return Variable(value, node: GradNode(op: op, inputs: inputs.map(\.node), pullback: pullback, isLeaf: false))
  }

  /// Back-propagates from this scalar (or from `seed`, a gradient of the same shape).
  ///
  /// Throws when the value is not a scalar and no seed is given, or when the graph was already
  /// consumed by an earlier `backward()`.
  public func backward(seed: Tensor? = nil) throws {
    guard let root = node else {
      throw VistaError("backward: this value does not require grad (no parameter or leaf took part, or it was computed under no-grad)")
    }
    if let seed {
      guard seed.shape == value.shape else {
        throw VistaError.shapeMismatch("backward", seed.shape, value.shape, expected: "a seed shaped like the value")
      }
    } else if value.count != 1 {
      throw VistaError.badShape("backward", value.shape, expected: "a scalar loss (or pass seed:)")
    }
    if !root.isLeaf && root.pullback == nil {
      throw VistaError("backward: the graph of this value was already used by an earlier backward(); run forward again")
    }
    root.accumulate(seed ?? Tensor(repeating: 1, shape: value.shape))
    for n in topologicalOrder(from: root).reversed() {
      guard let pullback = n.pullback else { continue }
      let g = n.grad
      n.pullback = nil
      let inputs = n.inputs
      n.inputs = []
      n.grad = nil
      guard let g else { continue }
      let grads = pullback(g)
      for (input, gi) in zip(inputs, grads) {
        if let input, let gi { input.accumulate(gi) }
      }
    }
  }
}

/// Nodes reachable from `root` with every node after all of its inputs (iterative DFS).
func topologicalOrder(from root: GradNode) -> [GradNode] {
  var order: [GradNode] = []
  var visited = Set<ObjectIdentifier>()
  var stack: [(GradNode, Int)] = [(root, 0)]
  visited.insert(ObjectIdentifier(root))
  while let (node, next) = stack.popLast() {
    if next < node.inputs.count {
      stack.append((node, next + 1))
      if let child = node.inputs[next], visited.insert(ObjectIdentifier(child)).inserted {
        stack.append((child, 0))
      }
    } else {
      order.append(node)
    }
  }
  return order
}
