/// A layer that owns named parameters, as PyTorch's `nn.Module`.
///
/// Parameter names are full state_dict keys, fixed at construction from the `prefix` each module is
/// built with (`image_encoder.encoder.conv_init` + `.weight`); children are listed explicitly, in
/// PyTorch's registration order, so `stateEntries` matches `model.state_dict()` key for key.
public protocol Module: AnyObject {
  /// Parameters and buffers in PyTorch `state_dict()` order.
  var stateEntries: [Parameter] { get }
}

extension Module {
  /// Trainable parameters (buffers excluded), in state_dict order.
  public var parameters: [Parameter] { stateEntries.filter { !$0.isBuffer } }

  /// Number of trainable scalars.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

  /// Clears every accumulated gradient.
  public func zeroGrad() { for p in stateEntries { p.zeroGrad() } }

  /// Freezes (false) or unfreezes (true) every parameter whose key starts with `prefix`.
  public func setRequiresGrad(_ on: Bool, prefix: String = "") {
    for p in parameters where p.name.hasPrefix(prefix) { p.requiresGrad = on }
  }
}

/// Joins a module prefix and a child name the way PyTorch does (`a.b`; no leading dot at the root).
@inline(__always) func key(_ prefix: String, _ name: String) -> String {
  prefix.isEmpty ? name : prefix + "." + name
}

/// Whether layers draw random initial values (off: zeros, for loading a checkpoint into).
enum ParameterInit {
  @TaskLocal static var isRandom = true
}

/// PyTorch's default init for conv/linear weights and biases: U(−1/√fan_in, 1/√fan_in)
/// (kaiming_uniform with a = √5 gives exactly this bound).
func defaultInit(_ shape: [Int], fanIn: Int, using rng: inout RandomGenerator) -> Tensor {
  guard ParameterInit.isRandom else { return Tensor(zeros: shape) }
  let bound = 1 / Float(max(1, fanIn)).squareRoot()
  return Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
}

/// N(0, 1) init (embeddings, the PE matrix), or zeros when random init is off.
func normalInit(_ shape: [Int], using rng: inout RandomGenerator) -> Tensor {
  guard ParameterInit.isRandom else { return Tensor(zeros: shape) }
  return Tensor.normal(shape, using: &rng)
}
