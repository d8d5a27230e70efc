/// Port of `vista3d.TwoWayAttentionBlock`: tokens self-attend, cross-attend to the image, an MLP,
/// then the image cross-attends back to the tokens. Post-LayerNorm residuals throughout, except that
/// the first block's self-attention replaces the queries (no residual, no positional encoding).
public final class TwoWayAttentionBlock: Module {
  let selfAttn: Attention
  let norm1: LayerNorm
  let crossTokenToImage: Attention
  let norm2: LayerNorm
  let mlp: MLPBlock
  let norm3: LayerNorm
  let norm4: LayerNorm
  let crossImageToToken: Attention
  let skipFirstLayerPE: Bool

  /// Creates the block under `prefix`.
  public init(
    _ prefix: String, dim: Int, heads: Int, mlpDim: Int, downsampleRate: Int, skipFirstLayerPE: Bool,
    using rng: inout RandomGenerator
  ) {
    selfAttn = Attention(key(prefix, "self_attn"), dim: dim, heads: heads, using: &rng)
    norm1 = LayerNorm(key(prefix, "norm1"), dim: dim)
    crossTokenToImage = Attention(
      key(prefix, "cross_attn_token_to_image"), dim: dim, heads: heads, downsampleRate: downsampleRate, using: &rng)
    norm2 = LayerNorm(key(prefix, "norm2"), dim: dim)
    mlp = MLPBlock(key(prefix, "mlp"), dim: dim, hidden: mlpDim, using: &rng)
    norm3 = LayerNorm(key(prefix, "norm3"), dim: dim)
    norm4 = LayerNorm(key(prefix, "norm4"), dim: dim)
    crossImageToToken = Attention(
      key(prefix, "cross_attn_image_to_token"), dim: dim, heads: heads, downsampleRate: downsampleRate, using: &rng)
    self.skipFirstLayerPE = skipFirstLayerPE
  }

  public var stateEntries: [Parameter] {
    selfAttn.stateEntries + norm1.stateEntries + crossTokenToImage.stateEntries + norm2.stateEntries
      + mlp.stateEntries + norm3.stateEntries + norm4.stateEntries + crossImageToToken.stateEntries
  }

  /// queries [B, T, C], keys [B or 1, M, C], queryPE [B, T, C], keyPE [1, M, C] → (queries, keys).
  public func callAsFunction(queries: Variable, keys: Variable, queryPE: Variable, keyPE: Variable) throws -> (
    Variable, Variable
  ) {
    var q = queries
    if skipFirstLayerPE {
      q = try selfAttn(q: q, k: q, v: q)
    } else {
      let qp = try q + queryPE
      q = try q + selfAttn(q: qp, k: qp, v: q)
    }
    q = try norm1(q)
    let kp = try keys + keyPE
    q = try norm2(q + crossTokenToImage(q: q + queryPE, k: kp, v: keys))
    q = try norm3(q + mlp(q))
    let k = try norm4(keys + crossImageToToken(q: kp, k: q + queryPE, v: q))
    return (q, k)
  }
}

/// Port of `vista3d.TwoWayTransformer` (SAM's mask-decoder transformer).
public final class TwoWayTransformer: Module {
  let layers: [TwoWayAttentionBlock]
  let finalAttn: Attention
  let normFinal: LayerNorm

  /// Creates the transformer under `prefix` (VISTA3D: depth 2, 4 heads, MLP 512, downsample 2).
  public init(
    _ prefix: String, depth: Int, dim: Int, heads: Int, mlpDim: Int, downsampleRate: Int = 2,
    using rng: inout RandomGenerator
  ) {
    layers = (0..<depth).map { i in
      TwoWayAttentionBlock(
        key(prefix, "layers.\(i)"), dim: dim, heads: heads, mlpDim: mlpDim, downsampleRate: downsampleRate,
        skipFirstLayerPE: i == 0, using: &rng)
    }
    finalAttn = Attention(
      key(prefix, "final_attn_token_to_image"), dim: dim, heads: heads, downsampleRate: downsampleRate, using: &rng)
    normFinal = LayerNorm(key(prefix, "norm_final_attn"), dim: dim)
  }

  public var stateEntries: [Parameter] {
    layers.flatMap(\.stateEntries) + finalAttn.stateEntries + normFinal.stateEntries
  }

  /// image [1, M, C] (tokens of the image), imagePE [1, M, C], tokens [B, T, C] → (queries [B, T, C], keys [B, M, C]).
  public func callAsFunction(image: Variable, imagePE: Variable, tokens: Variable) throws -> (Variable, Variable) {
    var q = tokens
    var k = image
    for layer in layers { (q, k) = try layer(queries: q, keys: k, queryPE: tokens, keyPE: imagePE) }
    let attn = try finalAttn(q: q + tokens, k: k + imagePE, v: k)
    q = try normFinal(q + attn)
    return (q, k)
  }
}
