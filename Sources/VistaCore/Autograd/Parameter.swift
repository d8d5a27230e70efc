/// A named, trainable tensor: its value, its accumulated gradient and whether it is frozen.
///
/// `name` is the PyTorch state_dict key (`image_encoder.encoder.conv_init.weight`).
public final class Parameter: @unchecked Sendable {
  /// The state_dict key.
  public let name: String
  /// The current value (optimizers write it).
  public var value: Tensor
  /// False when frozen: ops then record nothing for it and no gradient is computed.
  public var requiresGrad: Bool
  /// True for a registered buffer (in the state_dict, never trained), e.g. the PE matrix.
  public let isBuffer: Bool
  private let leaf: GradNode

  /// Creates a parameter; `requiresGrad: false` freezes it.
  public init(_ name: String, _ value: Tensor, requiresGrad: Bool = true) {
    self.name = name
    self.value = value
    self.requiresGrad = requiresGrad
    self.isBuffer = false
    self.leaf = GradNode(op: name, inputs: [], pullback: nil, isLeaf: true)
  }

  /// Creates a buffer: saved and loaded with the state_dict, never requires grad.
  public init(buffer name: String, _ value: Tensor) {
    self.name = name
    self.value = value
    self.requiresGrad = false
    self.isBuffer = true
    self.leaf = GradNode(op: name, inputs: [], pullback: nil, isLeaf: true)
  }

  /// The accumulated gradient (nil before backward or after `zeroGrad()`).
  public var grad: Tensor? {
    get { leaf.grad }
    set { leaf.grad = newValue }
  }

  /// The value as a graph input (a constant when frozen).
  public var variable: Variable {
    Variable(value, node: requiresGrad ? leaf : nil)
  }

  /// Clears the accumulated gradient.
  public func zeroGrad() { leaf.grad = nil }

  /// The parameter's shape.
  public var shape: [Int] { value.shape }
}
