import Foundation

/// The architecture knobs of a VISTA3D network (vista3d132 pins the paper's values).
public struct VISTA3DConfig: Sendable, Equatable, Codable {
  /// A short name printed in summaries (`vista3d132`, `small`, `tiny`).
  public var name: String
  public var inChannels = 1
  /// Channels of the first level (and of both heads): 48 in vista3d132.
  public var initFilters = 48
  /// SegResBlocks per encoder level: (1, 2, 2, 4, 4) in vista3d132.
  public var blocksDown = [1, 2, 2, 4, 4]
  /// Class-embedding rows (ids must be below this).
  public var classes = 512
  /// Ids above this are zero-shot for the point head.
  public var lastSupported = 132
  /// Hidden width of the transformer MLPs.
  public var mlpDim = 512

  /// MONAI's `vista3d132()`: 217,964,982 parameters.
  public static let vista3d132 = VISTA3DConfig(name: "vista3d132")
  /// A CPU-friendly configuration of the same architecture for experiments (16 filters, 4 levels).
  public static let small = VISTA3DConfig(name: "small", initFilters: 16, blocksDown: [1, 1, 1, 1])
  /// The smallest sensible configuration, for tests (8 filters, 3 levels).
  public static let tiny = VISTA3DConfig(name: "tiny", initFilters: 8, blocksDown: [1, 1, 1])

  /// Configurations a script can name.
  public static let named: [String: VISTA3DConfig] = ["vista3d132": .vista3d132, "small": .small, "tiny": .tiny]
}

/// Point prompts: coordinates in voxels of the input, one label per point, optional prompt classes.
public struct PointPrompts: Sendable {
  /// [B, N, 3] voxel coordinates along the input's dims (2, 3, 4).
  public var coords: Tensor
  /// [B, N]: −1 pad, 0/1 negative/positive, 2/3 negative/positive for special classes.
  public var labels: IntTensor
  /// B class ids attached to the prompts (only > lastSupported matters: zero-shot), or nil.
  public var promptClass: [Int]?

  /// Creates prompts, checking that the shapes agree.
  public init(coords: Tensor, labels: IntTensor, promptClass: [Int]? = nil) throws {
    guard coords.rank == 3, coords.shape[2] == 3, labels.shape == Array(coords.shape[0..<2]) else {
      throw VistaError.shapeMismatch("points", coords.shape, labels.shape, expected: "coords [B, N, 3] and labels [B, N]")
    }
    if let pc = promptClass, pc.count != coords.shape[0] {
      throw VistaError("points: \(pc.count) prompt classes for \(coords.shape[0]) prompts")
    }
    self.coords = coords
    self.labels = labels
    self.promptClass = promptClass
  }
}

/// Port of `monai.networks.nets.vista3d.VISTA3D`: encoder, class head and point head behind one forward.
///
/// Outputs are logits (sigmoid per prompt, foreground where > 0), shaped [B, 1, H, W, D]; rows with
/// no usable prompt are filled with −9999 (MONAI's NINF_VALUE).
public final class VISTA3D: Module {
  public let config: VISTA3DConfig
  public let imageEncoder: SegResNetDS2
  public let classHead: ClassMappingClassify
  public let pointHead: PointMappingSAM
  /// MONAI's fill value for "no prompt" rows.
  public static let ninf: Float = -9999

  /// Builds a network with PyTorch's default init distributions (seeded), or all zeros when
  /// `randomInit` is false (cheap: for loading a checkpoint into, or for inspecting shapes).
  public init(_ config: VISTA3DConfig, seed: UInt64 = 0, randomInit: Bool = true) {
    self.config = config
    (imageEncoder, classHead, pointHead) = ParameterInit.$isRandom.withValue(randomInit) {
      var rng = RandomGenerator(seed: seed)
      let f = config.initFilters
      let encoder = SegResNetDS2(
        "image_encoder", inChannels: config.inChannels, initFilters: f, outChannels: f,
        blocksDown: config.blocksDown, using: &rng)
      let classHead = ClassMappingClassify("class_head", classes: config.classes, featureSize: f, using: &rng)
      let pointHead = PointMappingSAM(
        "point_head", featureSize: f, classes: config.classes, lastSupported: config.lastSupported,
        mlpDim: config.mlpDim, using: &rng)
      return (encoder, classHead, pointHead)
    }
  }

  public var stateEntries: [Parameter] {
    imageEncoder.stateEntries + classHead.stateEntries + pointHead.stateEntries
  }

  /// Freezes the class branch (`auto_freeze`) and/or the point branch (`point_freeze`), as MONAI's `set_auto_grad`.
  ///
  /// The encoder trains only when neither branch is frozen; frozen parts compute no gradients at all.
  public func setAutoGrad(autoFreeze: Bool, pointFreeze: Bool) {
    for p in imageEncoder.parameters { p.requiresGrad = !autoFreeze && !pointFreeze }
    for p in classHead.parameters { p.requiresGrad = !autoFreeze }
    for p in pointHead.parameters { p.requiresGrad = !pointFreeze }
  }

  /// `VISTA3D.forward` without sliding-window arguments: class prompts, point prompts, or both.
  ///
  /// image [1, 1, H, W, D] (N > 1 only with classes alone); classes → class-head logits; points →
  /// point-head logits; both → the point logits blended in near the clicks (`gaussian_combine`,
  /// radius default min(H, W, D) / 5). Only the decoders that are needed run.
  ///
  /// `cache` reuses the decoder outputs of an earlier `embed(image)` of the same image, so several
  /// prompts (or clicks added one by one) cost only the heads.
  public func callAsFunction(
    _ image: Variable, classes: [Int]? = nil, points: PointPrompts? = nil, radius: Int? = nil,
    cache: ImageEmbedding? = nil
  ) throws -> Variable {
    try imageEncoder.validate(image.shape)
    if let cache, cache.imageShape != image.shape {
      throw VistaError.shapeMismatch("VISTA3D cache", cache.imageShape, image.shape, expected: "a cache embedded from this image")
    }
    let size = Array(image.shape[2...])
    if classes == nil && points == nil { return Variable(Tensor(repeating: Self.ninf, shape: [1, 1] + size)) }
    if let classes, let points, points.coords.shape[0] != classes.count {
      throw VistaError("VISTA3D: \(classes.count) class prompts but \(points.coords.shape[0]) point prompts; give one point row per class")
    }
    if image.shape[0] > 1 && points != nil {
      throw VistaError.badShape("VISTA3D", image.shape, expected: "one image [1, C, H, W, D] when point prompts are given")
    }
    let bs = classes?.count ?? points!.coords.shape[0]

    // Keep only prompt rows with at least one real point (MONAI's mapping_index).
    var usePoints = points
    var mapping = [Bool](repeating: true, count: bs)
    if let p = points {
      let n = p.coords.shape[1]
      mapping = (0..<bs).map { b in (0..<n).contains { p.labels.scalars[b * n + $0] != -1 } }
      if mapping.contains(true) {
        usePoints = try p.selectingRows(mapping)
      } else if classes == nil {
        mapping = [Bool](repeating: true, count: bs)
      } else {
        usePoints = nil
      }
    }

    let features: (point: Variable?, auto: Variable?)
    if let cache, usePoints == nil || cache.point != nil, classes == nil || cache.auto != nil {
      features = (cache.point, cache.auto)
    } else {
      features = try imageEncoder(image, withPoint: usePoints != nil, withLabel: classes != nil)
    }
    if let classes {
      let logits = try classHead(features.auto!, classes: classes)
      guard let p = usePoints else { return logits }
      let pointLogits = try pointHead(features.point!, coords: p.coords, labels: p.labels, promptClass: p.promptClass)
      let r = radius ?? (size.min()! / 5)
      return try gaussianCombine(logits, pointLogits, points: p, mapping: mapping, radius: r)
    }
    let p = usePoints!
    let pointLogits = try pointHead(features.point!, coords: p.coords, labels: p.labels, promptClass: p.promptClass)
    if !mapping.contains(false) { return pointLogits }
    return try scatterRows(pointLogits, into: bs, mapping: mapping, fill: Self.ninf)
  }

  /// Runs the encoder and both decoders once; pass the result as `cache:` to reuse it across prompts.
  public func embed(_ image: Variable, withPoint: Bool = true, withLabel: Bool = true) throws -> ImageEmbedding {
    let (point, auto) = try imageEncoder(image, withPoint: withPoint, withLabel: withLabel)
    return ImageEmbedding(imageShape: image.shape, point: point, auto: auto)
  }

  /// `gaussian_combine`: w = max(0, 1 − Σ_points exp(−|v − p|²/2r²)); rows in `mapping` become
  /// w·logits + (1 − w)·pointLogits, the others stay as they are.
  func gaussianCombine(_ logits: Variable, _ pointLogits: Variable, points: PointPrompts, mapping: [Bool], radius: Int)
    throws -> Variable
  {
    let size = Array(logits.shape[2...])
    let weight = gaussianWeight(points: points, size: size, radius: radius)  // [B1, 1, H, W, D]
    var oneMinus = weight
    oneMinus.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] = 1 - b[i] } }
    var rows: [Variable] = []
    var k = 0
    for (b, used) in mapping.enumerated() {
      let row = try slice(logits, axis: 0, range: b..<(b + 1))
      if !used {
        rows.append(row)
        continue
      }
      let w = Variable(weight.rows(k..<(k + 1)))
      let wc = Variable(oneMinus.rows(k..<(k + 1)))
      let pl = try slice(pointLogits, axis: 0, range: k..<(k + 1))
      rows.append(try row * w + wc * pl)
      k += 1
    }
    return rows.count == 1 ? rows[0] : try concat(rows, axis: 0)
  }

  /// Places the rows of `x` at the `true` positions of `mapping`, constant `fill` rows elsewhere.
  func scatterRows(_ x: Variable, into count: Int, mapping: [Bool], fill: Float) throws -> Variable {
    let rowShape = [1] + Array(x.shape.dropFirst())
    var rows: [Variable] = []
    var k = 0
    for used in mapping {
      if used {
        rows.append(try slice(x, axis: 0, range: k..<(k + 1)))
        k += 1
      } else {
        rows.append(Variable(Tensor(repeating: fill, shape: rowShape)))
      }
    }
    return try concat(rows, axis: 0)
  }

  /// One line: `VISTA3D vista3d132 · 218.0M params · fp32`.
  public var summary: String {
    let m = Double(parameterCount) / 1e6
    return "VISTA3D \(config.name) · \(String(format: "%.1f", m))M params · fp32"
  }
}

/// The decoder outputs for one image (MONAI's `image_embeddings` cache), reusable across prompts.
public struct ImageEmbedding: Sendable {
  /// The shape of the image these features belong to.
  public let imageShape: [Int]
  /// `up_layers` output [N, C, H, W, D] (point branch), if computed.
  public let point: Variable?
  /// `up_layers_auto` output (class branch), if computed.
  public let auto: Variable?
}

/// MONAI's `convert_points_to_disc(..., disc=False)` summed over its two channels, then 1 − sum clamped at 0.
func gaussianWeight(points: PointPrompts, size: [Int], radius: Int) -> Tensor {
  let b = points.coords.shape[0]
  let n = points.coords.shape[1]
  let (h, w, d) = (size[0], size[1], size[2])
  let plane = h * w * d
  let denom = Float(2 * radius * radius)
  var out = [Float](repeating: 0, count: b * plane)
  for bi in 0..<b {
    // Two channels as MONAI: negative (labels 0, 2) and positive (1, 3), summed at the end.
    var acc = [[Float]](repeating: [Float](repeating: 0, count: plane), count: 2)
    for ni in 0..<n where points.labels.scalars[bi * n + ni] > -1 {
      let label = points.labels.scalars[bi * n + ni]
      let channel = (label == 0 || label == 2) ? 0 : 1
      let p0 = points.coords.scalars[(bi * n + ni) * 3]
      let p1 = points.coords.scalars[(bi * n + ni) * 3 + 1]
      let p2 = points.coords.scalars[(bi * n + ni) * 3 + 2]
      var i = 0
      for x in 0..<h {
        let dx = (Float(x) - p0) * (Float(x) - p0)
        for y in 0..<w {
          let dy = (Float(y) - p1) * (Float(y) - p1)
          for z in 0..<d {
            let dz = (Float(z) - p2) * (Float(z) - p2)
            acc[channel][i] += expf(-((dx + dy) + dz) / denom)
            i += 1
          }
        }
      }
    }
    for i in 0..<plane { out[bi * plane + i] = max(0, 1 - (acc[0][i] + acc[1][i])) }
  }
  return Tensor(unchecked: [b, 1] + size, out)
}

extension PointPrompts {
  /// The prompts whose `keep` flag is true.
  func selectingRows(_ keep: [Bool]) throws -> PointPrompts {
    let n = coords.shape[1]
    var c: [Float] = []
    var l: [Int32] = []
    var pc: [Int] = []
    for (b, k) in keep.enumerated() where k {
      c += coords.scalars[(b * n * 3)..<((b + 1) * n * 3)]
      l += labels.scalars[(b * n)..<((b + 1) * n)]
      if let p = promptClass { pc.append(p[b]) }
    }
    let rows = keep.filter { $0 }.count
    return try PointPrompts(
      coords: Tensor(shape: [rows, n, 3], scalars: c), labels: IntTensor(shape: [rows, n], scalars: l),
      promptClass: promptClass == nil ? nil : pc)
  }
}

extension Tensor {
  /// Rows `range` of the first dimension (a copy).
  func rows(_ range: Range<Int>) -> Tensor {
    var s = shape
    s[0] = range.count
    return sliceCopy(self, outShape: s, outer: 1, len: shape[0], inner: count / max(1, shape[0]), range: range)
  }
}
