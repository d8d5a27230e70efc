/// Port of `monai.networks.nets.vista3d.Attention` (SAM's attention with a downsampled internal width).
///
/// q, k, v are projected from `dim` to `dim / downsampleRate`, split into `heads`, attended with
/// softmax(q·kᵀ/√dh), recombined and projected back to `dim`. Batch dims broadcast (one image can
/// serve many prompts).
public final class Attention: Module {
  let qProj: Linear
  let kProj: Linear
  let vProj: Linear
  let outProj: Linear
  let heads: Int
  let internalDim: Int

  /// Creates the layer under `prefix`.
  public init(_ prefix: String, dim: Int, heads: Int, downsampleRate: Int = 1, using rng: inout RandomGenerator) {
    internalDim = dim / downsampleRate
    self.heads = heads
    qProj = Linear(key(prefix, "q_proj"), dim, internalDim, using: &rng)
    kProj = Linear(key(prefix, "k_proj"), dim, internalDim, using: &rng)
    vProj = Linear(key(prefix, "v_proj"), dim, internalDim, using: &rng)
    outProj = Linear(key(prefix, "out_proj"), internalDim, dim, using: &rng)
  }

  public var stateEntries: [Parameter] {
    qProj.stateEntries + kProj.stateEntries + vProj.stateEntries + outProj.stateEntries
  }

  /// q: [B, Tq, dim], k and v: [B or 1, Tk, dim] → [B, Tq, dim].
  public func callAsFunction(q: Variable, k: Variable, v: Variable) throws -> Variable {
    let qh = try separateHeads(qProj(q))
    let kh = try separateHeads(kProj(k))
    let vh = try separateHeads(vProj(v))
    let out = try scaledDotProductAttention(qh, kh, vh)  // [B, heads, Tq, dh]
    let b = out.shape[0]
    let t = out.shape[2]
    let merged = try reshape(transpose(out, 1, 2), [b, t, internalDim])
    return try outProj(merged)
  }

  /// [B, T, C] → [B, heads, T, C / heads].
  func separateHeads(_ x: Variable) throws -> Variable {
    let s = x.shape
    return try transpose(reshape(x, [s[0], s[1], heads, s[2] / heads]), 1, 2)
  }
}

/// Port of MONAI's `MLPBlock` (dropout_mode "vista3d": no dropout): linear1 → act → linear2.
public final class MLPBlock: Module {
  let linear1: Linear
  let linear2: Linear

  /// Creates the block under `prefix` (keys `linear1`, `linear2`).
  public init(_ prefix: String, dim: Int, hidden: Int, using rng: inout RandomGenerator) {
    linear1 = Linear(key(prefix, "linear1"), dim, hidden, using: &rng)
    linear2 = Linear(key(prefix, "linear2"), hidden, dim, using: &rng)
  }

  public var stateEntries: [Parameter] { linear1.stateEntries + linear2.stateEntries }

  /// x: [..., dim] → [..., dim], ReLU in between.
  public func callAsFunction(_ x: Variable) throws -> Variable { try linear2(relu(linear1(x))) }
}

/// Port of `vista3d.MLP` (the hypernetwork MLP): `layers.i` Linear, ReLU after all but the last.
public final class HyperMLP: Module {
  let layers: [Linear]

  /// Creates `count` layers dim → dim under `prefix.layers`.
  public init(_ prefix: String, dim: Int, count: Int, using rng: inout RandomGenerator) {
    var made: [Linear] = []
    for i in 0..<count { made.append(Linear(key(prefix, "layers.\(i)"), dim, dim, using: &rng)) }
    layers = made
  }

  public var stateEntries: [Parameter] { layers.flatMap(\.stateEntries) }

  /// x: [..., dim] → [..., dim].
  public func callAsFunction(_ x: Variable) throws -> Variable {
    var h = x
    for (i, layer) in layers.enumerated() {
      h = try layer(h)
      if i < layers.count - 1 { h = relu(h) }
    }
    return h
  }
}
