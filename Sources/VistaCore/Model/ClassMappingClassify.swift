/// Port of `vista3d.ClassMappingClassify`: the class head for automatic segmentation.
///
/// Features pass two UnetResBlocks (`image_post_mapping`); each class id selects an embedding row,
/// mapped by `Linear → InstanceNorm1d(1) (per-vector standardise) → GELU → Linear`; the logits are the
/// per-voxel dot product of that vector with the features.
public final class ClassMappingClassify: Module {
  let mlp0: Linear
  let mlp3: Linear
  let classEmbeddings: Embedding
  let postMapping: [UnetResBlock]

  /// Creates the head under `prefix` (e.g. `class_head`).
  public init(_ prefix: String, classes: Int, featureSize: Int, using rng: inout RandomGenerator) {
    mlp0 = Linear(key(prefix, "mlp.0"), featureSize, featureSize, using: &rng)
    mlp3 = Linear(key(prefix, "mlp.3"), featureSize, featureSize, using: &rng)
    classEmbeddings = Embedding(key(prefix, "class_embeddings"), count: classes, dim: featureSize, using: &rng)
    postMapping = (0..<2).map { UnetResBlock(key(prefix, "image_post_mapping.\($0)"), channels: featureSize, using: &rng) }
  }

  public var stateEntries: [Parameter] {
    mlp0.stateEntries + mlp3.stateEntries + classEmbeddings.stateEntries + postMapping.flatMap(\.stateEntries)
  }

  /// The mapped class vectors [B, C] for class ids.
  public func classVectors(_ classes: [Int]) throws -> Variable {
    let rows = classEmbeddings.weight.shape[0]
    if let bad = classes.first(where: { $0 < 0 || $0 >= rows }) {
      throw VistaError("VISTA3D: class id \(bad) is out of range 0..<\(rows)")
    }
    let e = try classEmbeddings(IntTensor(classes).reshaped([classes.count, 1]))  // [B, 1, C]
    let h = try instanceNorm(mlp0(e), weight: nil, bias: nil)  // InstanceNorm1d(1) over C
    let m = try mlp3(gelu(h))
    return try reshape(m, [classes.count, m.shape[2]])
  }

  /// The post-mapped features [N, C, H, W, D] (independent of the classes; computed once).
  public func features(_ src: Variable) throws -> Variable {
    var f = src
    for b in postMapping { f = try b(f) }
    return f
  }

  /// src [N, C, H, W, D], classes B ids → logits [B, N, H, W, D].
  public func callAsFunction(_ src: Variable, classes: [Int]) throws -> Variable {
    try channelDot(classVectors(classes), features(src))
  }
}
