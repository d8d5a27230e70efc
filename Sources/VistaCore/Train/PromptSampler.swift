/// Prompts sampled for one training patch (MONAI `sample_prompt_pairs`' four outputs).
///
/// B is the number of prompted objects, N the number of points per object.
public struct PromptSample: Sendable, Equatable {
  /// Class ids for the automatic branch, `[B, 1]`; nil when the label prompt was dropped.
  public var labelPrompt: IntTensor?
  /// Click coordinates `[B, N, 3]` as patch voxel indices (h, w, d); nil when points were dropped.
  public var point: Tensor?
  /// Click labels `[B, N]`: 1/0 positive/negative (3/2 for special classes), −1 padding.
  public var pointLabel: IntTensor?
  /// The class of each row, `[B, 1]` (the target of row b is `labels == promptClass[b]`).
  public var promptClass: IntTensor

  /// The class ids of `promptClass` as Ints.
  public var classes: [Int] { promptClass.scalars.map { Int($0) } }
}

/// The options of MONAI's `sample_prompt_pairs` (defaults are MONAI's; `tutorial` is the VISTA3D
/// finetuning notebook's call).
public struct PromptSamplerOptions: Sendable, Equatable, Codable {
  /// The dataset's classes (0 included = background prompts are trained).
  public var labelSet: [Int]
  /// Cap on foreground + background prompts (nil = none).
  public var maxPrompt: Int?
  /// Cap on foreground prompts (nil = none).
  public var maxForeprompt: Int?
  /// Cap on background prompts (nil = none).
  public var maxBackprompt: Int?
  /// Cap on positive (and on negative) clicks per object.
  public var maxPoint: Int
  /// Treat 0 as a foreground class with clicks.
  public var includeBackground: Bool
  /// Probability of dropping the class prompts (point-only step), only when foreground exists.
  public var dropLabelProb: Double
  /// Probability of dropping the clicks (class-only step).
  public var dropPointProb: Double

  /// Creates options with MONAI's defaults.
  public init(
    labelSet: [Int], maxPrompt: Int? = nil, maxForeprompt: Int? = nil, maxBackprompt: Int? = 1,
    maxPoint: Int = 20, includeBackground: Bool = false, dropLabelProb: Double = 0.2,
    dropPointProb: Double = 0.2
  ) {
    self.labelSet = labelSet
    self.maxPrompt = maxPrompt
    self.maxForeprompt = maxForeprompt
    self.maxBackprompt = maxBackprompt
    self.maxPoint = maxPoint
    self.includeBackground = includeBackground
    self.dropLabelProb = dropLabelProb
    self.dropPointProb = dropPointProb
  }

  /// The finetuning tutorial's settings (max_point 5, max_prompt 32, max_backprompt 4) for a mode:
  /// `.both` drops labels and points with probability 0.2 each (the tutorial), `.autoOnly` always
  /// drops points (the bundle's advice for class-only finetuning), `.pointOnly` always drops labels
  /// (on a patch without foreground MONAI keeps the label prompts; such steps stay class-only).
  public static func tutorial(labelSet: [Int], mode: PromptMode = .both) -> PromptSamplerOptions {
    var o = PromptSamplerOptions(labelSet: labelSet, maxPrompt: 32, maxBackprompt: 4, maxPoint: 5)
    switch mode {
    case .both: break
    case .autoOnly: (o.dropLabelProb, o.dropPointProb) = (0, 1)
    case .pointOnly: (o.dropLabelProb, o.dropPointProb) = (1, 0)
    }
    return o
  }
}

/// Which prompts a training step uses.
public enum PromptMode: String, Sendable, Codable, CaseIterable {
  /// Class prompts and clicks, each dropped with probability 0.2 (the tutorial).
  case both
  /// Class prompts only (drop_point_prob 1).
  case autoOnly = "auto"
  /// Clicks only (drop_label_prob 1).
  case pointOnly = "point"
}

/// Classes whose clicks use labels 2/3 instead of 0/1 (MONAI's `SPECIAL_INDEX`).
public let vistaSpecialClasses: Set<Int> = [23, 24, 25, 26, 27, 57, 128]

/// Port of `monai.apps.vista3d.sampler.sample_prompt_pairs` with the default point sampler.
///
/// labels: `[1, 1, H, W, D]`. Foreground classes are those of `labelSet` present in the patch
/// (0 excluded unless `includeBackground`), background classes the rest of `labelSet`; both lists
/// are in ascending order (MONAI's order comes from Python set iteration). Caps, click counts
/// (`Np = min(maxPoint, ⌊|N(0, (maxPoint/2)²)|⌋ + 1)`, `Nn = min(maxPoint, ⌊|N(0, …)|⌋)`),
/// click sampling (uniform with replacement inside / outside the class, zero padding with label
/// −1) and the drop logic follow MONAI. Randomness comes from `rng`: the same distribution as
/// MONAI's `random` module, not the same numbers. Returns nil when there is no prompt at all.
public func samplePromptPairs(
  labels: IntTensor, options o: PromptSamplerOptions, using rng: inout RandomGenerator
) throws -> PromptSample? {
  guard labels.rank == 5, labels.shape[0] == 1, labels.shape[1] == 1 else {
    throw VistaError.badShape(
      "samplePromptPairs", labels.shape, expected: "labels [1, 1, H, W, D] (batch size 1)")
  }
  guard o.maxPoint >= 1 else {
    throw VistaError("samplePromptPairs: maxPoint must be ≥ 1, got \(o.maxPoint)")
  }
  let (h, w, d) = (labels.shape[2], labels.shape[3], labels.shape[4])
  let total = h * w * d
  let present = Set(labels.scalars.map { Int($0) })
  let labelSet = Set(o.labelSet)
  var fg = present.intersection(labelSet)
  if !o.includeBackground { fg.remove(0) }
  var foreground = fg.sorted()
  var background = labelSet.subtracting(fg).sorted()

  if let cap = o.maxBackprompt, background.count > cap {
    background.shuffle(using: &rng)
    background = Array(background.prefix(max(cap, 0)))
  }
  if let cap = o.maxForeprompt, foreground.count > cap {
    foreground.shuffle(using: &rng)
    foreground = Array(foreground.prefix(max(cap, 0)))
  }
  if let cap = o.maxPrompt, foreground.count + background.count > cap {
    if foreground.count > cap {
      foreground.shuffle(using: &rng)
      foreground = Array(foreground.prefix(max(cap, 0)))
      background = []
    } else {
      background.shuffle(using: &rng)
      background = Array(background.prefix(cap - foreground.count))
    }
  }

  let sigma = Double(o.maxPoint / 2)
  let numPos = min(o.maxPoint, Int(abs(Double(rng.nextNormal()) * sigma)) + 1)
  let numNeg = min(o.maxPoint, Int(abs(Double(rng.nextNormal()) * sigma)))
  let n = numPos + numNeg

  var points: [Float] = []
  var pointLabels: [Int32] = []
  for id in foreground {
    let special = vistaSpecialClasses.contains(id)
    let (negLabel, posLabel): (Int32, Int32) = special ? (2, 3) : (0, 1)
    var inside: [Int] = []
    for (i, v) in labels.scalars.enumerated() where Int(v) == id { inside.append(i) }
    let outsideCount = total - inside.count
    let pa = min(inside.count, numPos)
    let na = min(outsideCount, numNeg)
    func append(_ flat: Int) {
      points += [Float(flat / (w * d)), Float((flat / d) % w), Float(flat % d)]
    }
    for _ in 0..<pa { append(inside[rng.nextInt(below: inside.count)]) }
    for _ in 0..<na { append(randomVoxel(notEqualTo: id, labels.scalars, outsideCount, using: &rng)) }
    for _ in 0..<(n - pa - na) { points += [0, 0, 0] }
    pointLabels +=
      [Int32](repeating: posLabel, count: pa) + [Int32](repeating: negLabel, count: na)
      + [Int32](repeating: -1, count: n - pa - na)
  }
  for _ in background {
    points += [Float](repeating: 0, count: 3 * n)
    pointLabels += [Int32](repeating: -1, count: n)
  }
  if foreground.isEmpty && background.isEmpty { return nil }

  let classes = (foreground + background).map { Int32($0) }
  var sample = PromptSample(
    labelPrompt: try IntTensor(shape: [classes.count, 1], scalars: classes),
    point: try Tensor(shape: [classes.count, n, 3], scalars: points),
    pointLabel: try IntTensor(shape: [classes.count, n], scalars: pointLabels),
    promptClass: try IntTensor(shape: [classes.count, 1], scalars: classes))
  if rng.nextDouble() < o.dropLabelProb && !foreground.isEmpty {
    let b = foreground.count
    sample.labelPrompt = nil
    sample.point = try Tensor(shape: [b, n, 3], scalars: Array(points.prefix(b * n * 3)))
    sample.pointLabel = try IntTensor(shape: [b, n], scalars: Array(pointLabels.prefix(b * n)))
    sample.promptClass = try IntTensor(shape: [b, 1], scalars: Array(classes.prefix(b)))
  } else if rng.nextDouble() < o.dropPointProb {
    sample.point = nil
    sample.pointLabel = nil
  }
  return sample
}

/// A flat index drawn uniformly among the voxels whose label is not `id` (`count` of them, > 0).
private func randomVoxel(
  notEqualTo id: Int, _ labels: [Int32], _ count: Int, using rng: inout RandomGenerator
) -> Int {
  let total = labels.count
  if count * 4 >= total {
    // Rejection sampling: uniform over the accepted voxels, expected ≤ 4 draws.
    while true {
      let i = rng.nextInt(below: total)
      if Int(labels[i]) != id { return i }
    }
  }
  var r = rng.nextInt(below: count)
  for (i, v) in labels.enumerated() where Int(v) != id {
    if r == 0 { return i }
    r -= 1
  }
  return 0  // unreachable: count voxels differ from id
}

/// The training targets of a prompt sample: row b is `labels == classes[b]` as 0/1, `[B, 1, H, W, D]`.
///
/// With these, one `DiceLoss()(logits [B, 1, H, W, D], targets)` equals the tutorial's mean over
/// prompts of per-prompt Dice losses (the default reduction averages over the B items).
public func promptTargets(labels: IntTensor, classes: [Int]) throws -> Tensor {
  guard labels.rank == 5, labels.shape[0] == 1, labels.shape[1] == 1 else {
    throw VistaError.badShape("promptTargets", labels.shape, expected: "labels [1, 1, H, W, D]")
  }
  let spatial = Array(labels.shape[2...])
  let n = spatial.elementCount
  var out = [Float](repeating: 0, count: classes.count * n)
  labels.scalars.withUnsafeBufferPointer { lb in
    for (b, c) in classes.enumerated() {
      let id = Int32(truncatingIfNeeded: c)
      for i in 0..<n where lb[i] == id { out[b * n + i] = 1 }
    }
  }
  return try Tensor(shape: [classes.count, 1] + spatial, scalars: out)
}
