/// Port of `vista3d.PointMappingSAM`: the interactive (point-prompt) head, a SAM-style mask decoder.
///
/// Features are downsampled ×2, each prompt's tokens `[mask, points…, class-type]` run a two-way
/// transformer against the image tokens, the image tokens are upscaled back and dotted with the
/// hypernetwork output of the mask token. Prompts run in chunks of `maxPrompt` (no effect on values).
public final class PointMappingSAM: Module {
  let featDownsample0: Conv3d
  let featDownsample3: Conv3d
  let maskDownsample: Conv3d
  let transformer: TwoWayTransformer
  let pe: PositionEmbeddingRandom
  let pointEmbeddings: [Embedding]
  let notAPointEmbed: Embedding
  let specialClassEmbed: Embedding
  let maskTokens: Embedding
  let upscale0: ConvTranspose3d
  let upscale3: Conv3d
  let hyperMLP: HyperMLP
  let classEmbeddings: Embedding
  let zeroshotEmbed: Embedding
  let supportedEmbed: Embedding
  /// Prompts per transformer pass.
  public let maxPrompt: Int
  /// Class ids above this are zero-shot.
  public let lastSupported: Int

  /// Creates the head under `prefix` (e.g. `point_head`).
  public init(
    _ prefix: String, featureSize c: Int, maxPrompt: Int = 32, classes: Int = 512, lastSupported: Int = 132,
    mlpDim: Int = 512, using rng: inout RandomGenerator
  ) {
    featDownsample0 = Conv3d(key(prefix, "feat_downsample.0"), c, c, kernel: 3, stride: 2, padding: 1, using: &rng)
    featDownsample3 = Conv3d(key(prefix, "feat_downsample.3"), c, c, kernel: 3, padding: 1, using: &rng)
    maskDownsample = Conv3d(key(prefix, "mask_downsample"), 2, 2, kernel: 3, stride: 2, padding: 1, using: &rng)
    transformer = TwoWayTransformer(key(prefix, "transformer"), depth: 2, dim: c, heads: 4, mlpDim: mlpDim, using: &rng)
    pe = PositionEmbeddingRandom(key(prefix, "pe_layer"), features: c / 2, using: &rng)
    pointEmbeddings = (0..<2).map { Embedding(key(prefix, "point_embeddings.\($0)"), count: 1, dim: c, using: &rng) }
    notAPointEmbed = Embedding(key(prefix, "not_a_point_embed"), count: 1, dim: c, using: &rng)
    specialClassEmbed = Embedding(key(prefix, "special_class_embed"), count: 1, dim: c, using: &rng)
    maskTokens = Embedding(key(prefix, "mask_tokens"), count: 1, dim: c, using: &rng)
    upscale0 = ConvTranspose3d(
      key(prefix, "output_upscaling.0"), c, c, kernel: 3, stride: 2, padding: 1, outputPadding: 1, bias: true,
      using: &rng)
    upscale3 = Conv3d(key(prefix, "output_upscaling.3"), c, c, kernel: 3, padding: 1, using: &rng)
    hyperMLP = HyperMLP(key(prefix, "output_hypernetworks_mlps"), dim: c, count: 3, using: &rng)
    classEmbeddings = Embedding(key(prefix, "class_embeddings"), count: classes, dim: c, using: &rng)
    zeroshotEmbed = Embedding(key(prefix, "zeroshot_embed"), count: 1, dim: c, using: &rng)
    supportedEmbed = Embedding(key(prefix, "supported_embed"), count: 1, dim: c, using: &rng)
    self.maxPrompt = maxPrompt
    self.lastSupported = lastSupported
  }

  public var stateEntries: [Parameter] {
    var all = featDownsample0.stateEntries + featDownsample3.stateEntries + maskDownsample.stateEntries
    all += transformer.stateEntries + pe.stateEntries
    all += pointEmbeddings.flatMap(\.stateEntries) + notAPointEmbed.stateEntries + specialClassEmbed.stateEntries
    all += maskTokens.stateEntries + upscale0.stateEntries + upscale3.stateEntries + hyperMLP.stateEntries
    all += classEmbeddings.stateEntries + zeroshotEmbed.stateEntries + supportedEmbed.stateEntries
    return all
  }

  /// The prompt tokens [B, N+2, C]: mask token, one per point (PE + type embedding), class-type token.
  func tokens(coords: Tensor, labels: IntTensor, promptClass: [Int]?, size: [Int]) throws -> Variable {
    let b = coords.shape[0]
    let n = coords.shape[1]
    var pe = pe.points(coords, size: size)  // [B, N, C]
    let c = pe.shape[2]
    // Label → row of a 5-entry type table: −1 pad, 0 neg, 1 pos, 2 special neg, 3 special pos.
    var typeIndex = [Int32](repeating: 0, count: b * n)
    try pe.withUnsafeMutableBufferPointer { buf in
      for i in 0..<(b * n) {
        let l = labels.scalars[i]
        guard (-1...3).contains(l) else {
          throw VistaError("VISTA3D: point label \(l) is not one of −1 (pad), 0/1 (negative/positive), 2/3 (special)")
        }
        typeIndex[i] = l + 1
        if l == -1 { for j in 0..<c { buf[i * c + j] = 0 } }
      }
    }
    let neg = pointEmbeddings[0].weight.variable
    let pos = pointEmbeddings[1].weight.variable
    let special = specialClassEmbed.weight.variable
    let table = try concat([notAPointEmbed.weight.variable, neg, pos, neg + special, pos + special], axis: 0)
    let pointTokens = try Variable(pe) + embedding(table, indices: IntTensor(unchecked: [b, n], typeIndex))
    let mask = try embedding(maskTokens.weight.variable, indices: IntTensor(zeros: [b, 1]))
    let kinds = (0..<b).map { Int32((promptClass?[$0] ?? 0) > lastSupported ? 1 : 0) }
    let classTable = try concat([supportedEmbed.weight.variable, zeroshotEmbed.weight.variable], axis: 0)
    let classToken = try embedding(classTable, indices: IntTensor(unchecked: [b, 1], kinds))
    return try concat([mask, pointTokens, classToken], axis: 1)
  }

  /// out [1, C, H, W, D], coords [B, N, 3] (voxels of this patch), labels [B, N] → logits [B, 1, H, W, D].
  public func callAsFunction(_ out: Variable, coords: Tensor, labels: IntTensor, promptClass: [Int]? = nil) throws
    -> Variable
  {
    guard out.shape.count == 5, out.shape[0] == 1 else {
      throw VistaError.badShape("VISTA3D point head", out.shape, expected: "features [1, C, H, W, D] (one image)")
    }
    guard coords.rank == 3, coords.shape[2] == 3, labels.shape == Array(coords.shape[0..<2]) else {
      throw VistaError.shapeMismatch("VISTA3D point head", coords.shape, labels.shape, expected: "coords [B, N, 3] and labels [B, N]")
    }
    if let pc = promptClass, pc.count != coords.shape[0] {
      throw VistaError("VISTA3D point head: \(pc.count) prompt classes for \(coords.shape[0]) point prompts")
    }
    let size = Array(out.shape[2...])
    let low = try instanceNorm(
      featDownsample3(gelu(instanceNorm(featDownsample0(out), weight: nil, bias: nil))), weight: nil, bias: nil)
    let c = low.shape[1]
    let lowSize = Array(low.shape[2...])
    let m = lowSize.elementCount
    let image = try transpose(reshape(low, [1, c, m]), 1, 2)  // [1, M, C]
    let imagePE = Variable(try pe.gridTokens(lowSize[0], lowSize[1], lowSize[2]).reshaped([1, m, c]))  // [1, M, C]
    let allTokens = try tokens(coords: coords, labels: labels, promptClass: promptClass, size: size)
    let b = coords.shape[0]
    var masks: [Variable] = []
    for start in stride(from: 0, to: b, by: maxPrompt) {
      let chunk = try slice(allTokens, axis: 0, range: start..<min(b, start + maxPrompt))
      let cb = chunk.shape[0]
      let (q, k) = try transformer(image: image, imagePE: imagePE, tokens: chunk)
      let hyper = try hyperMLP(slice(q, axis: 1, range: 0..<1))  // [cb, 1, C]
      let src = try reshape(transpose(k, 1, 2), [cb, c] + lowSize)
      let up = try upscale3(gelu(instanceNorm(upscale0(src), weight: nil, bias: nil)))  // [cb, C, H, W, D]
      let flat = try reshape(up, [cb, c, size.elementCount])
      masks.append(try reshape(matmul(hyper, flat), [cb, 1] + size))
    }
    return masks.count == 1 ? masks[0] : try concat(masks, axis: 0)
  }
}
