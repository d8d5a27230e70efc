/// What every optimizer offers the trainer: a step over its parameters, `zeroGrad`, a learning
/// rate the schedule sets, and a state to save and restore (torch.optim.Optimizer's contract).
public protocol Optimizer: AnyObject {
  /// The parameters updated, in registration order (names must be unique).
  var parameters: [Parameter] { get }
  /// The current learning rate (a schedule writes it before each step).
  var lr: Double { get set }
  /// Applies one update to every parameter that has a gradient and is not frozen.
  ///
  /// Parameters whose `grad` is nil or whose `requiresGrad` is false are skipped and their state
  /// (step count, moments) does not advance, as in PyTorch.
  func step() throws
  /// The optimizer's state (per-parameter buffers keyed `<parameter name>.<buffer>`, plus scalars).
  func stateDict() -> OptimizerState
  /// Restores a state from `stateDict()`; throws on an unknown parameter or a shape mismatch.
  func loadStateDict(_ state: OptimizerState) throws
}

extension Optimizer {
  /// Clears the gradient of every parameter (PyTorch's `zero_grad(set_to_none=True)`).
  public func zeroGrad() {
    for p in parameters { p.zeroGrad() }
  }
}

/// A serialisable optimizer state: tensors keyed `<parameter name>.<buffer>` and scalars
/// (hyper-parameters, per-parameter step counts keyed `<parameter name>.step`).
public struct OptimizerState: Sendable, Equatable {
  /// The optimizer's kind (`adam`, `adamw`, `sgd`); loading into another kind throws.
  public var kind: String
  /// Per-parameter buffers such as `layer.weight.exp_avg` or `layer.weight.momentum_buffer`.
  public var tensors: [String: Tensor]
  /// Hyper-parameters (`lr`, `beta1`, …) and step counts (`layer.weight.step`).
  public var scalars: [String: Double]

  /// Creates a state.
  public init(kind: String, tensors: [String: Tensor] = [:], scalars: [String: Double] = [:]) {
    self.kind = kind
    self.tensors = tensors
    self.scalars = scalars
  }
}

/// Throws unless every parameter name is unique (optimizer state is keyed by name).
func checkUniqueNames(_ parameters: [Parameter], op: String) throws {
  var seen = Set<String>()
  for p in parameters where !seen.insert(p.name).inserted {
    throw VistaError("\(op): two parameters are named '\(p.name)'; optimizer state is keyed by name")
  }
}

/// The gradient of `p` if it takes part in this step: nil when frozen or without gradient.
/// Throws when the gradient's element count differs from the value's.
func activeGradient(_ p: Parameter, op: String) throws -> Tensor? {
  guard p.requiresGrad, let g = p.grad else { return nil }
  guard g.count == p.value.count else {
    throw VistaError.shapeMismatch(
      "\(op) (parameter '\(p.name)')", p.value.shape, g.shape, expected: "a gradient shaped like the value")
  }
  return g
}

/// Checks that a buffer restored for `p` has its shape.
func checkBuffer(_ t: Tensor, for p: Parameter, key: String) throws {
  guard t.shape == p.value.shape else {
    throw VistaError.shapeMismatch(
      "loadStateDict ('\(key)')", t.shape, p.value.shape, expected: "a buffer shaped like the parameter")
  }
}
