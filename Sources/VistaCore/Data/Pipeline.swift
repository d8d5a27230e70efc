import Foundation

/// An image with its label (MONAI's `{"image": ..., "label": ...}` dict).
public struct Case: Sendable {
  /// Case name.
  public var name: String
  /// The image volume [C, X, Y, Z].
  public var image: Volume
  /// The label volume [1, X, Y, Z], if any.
  public var label: Volume?

  /// A case.
  public init(name: String, image: Volume, label: Volume? = nil) {
    self.name = name
    self.image = image
    self.label = label
  }

  /// Loads the item's NIfTI files.
  public init(loading item: DataItem) throws {
    self.init(
      name: item.name, image: try NIfTI.read(item.image),
      label: try item.label.map { try NIfTI.read($0) })
  }

  /// Stacks cases of equal shape into a batch: image [N, C, X, Y, Z] and label [N, 1, X, Y, Z] (nil if any
  /// case has none). Same memory layout as MONAI's [N, C, H, W, D] batches.
  public static func stack(_ cases: [Case]) throws -> (image: Tensor, label: Tensor?) {
    guard let first = cases.first else { throw VistaError("stack: no cases") }
    for c in cases where c.image.shape != first.image.shape || c.label?.shape != first.label?.shape
    {
      throw VistaError.shapeMismatch(
        "stack", first.image.shape, c.image.shape, expected: "cases of one patch size")
    }
    let image = try Tensor(
      shape: [cases.count] + first.image.shape, scalars: cases.flatMap(\.image.array.scalars))
    guard cases.allSatisfy({ $0.label != nil }), let l0 = first.label else { return (image, nil) }
    let label = try Tensor(
      shape: [cases.count] + l0.shape, scalars: cases.flatMap { $0.label!.array.scalars })
    return (image, label)
  }

  /// Bytes held by the arrays.
  public var byteCount: Int {
    (image.array.count + (label?.array.count ?? 0)) * MemoryLayout<Float>.size
  }
}

/// One step of a dictionary pipeline (MONAI's `...d` transforms): maps a case to one or more cases.
public enum PipelineStep: Sendable, CustomStringConvertible {
  /// A transform on the image only.
  case image(any Transform)
  /// A transform on the label only.
  case label(any Transform)
  /// Transforms on both (image transform, label transform), e.g. Spacing bilinear / nearest.
  case both(any Transform, any Transform)
  /// Crop image and label to the image's foreground box.
  case cropForeground(CropForeground)
  /// Random pos/neg patches of image and label.
  case randCrop(RandCropByPosNegLabel)
  /// A random case transform (flips, rotations, intensity augmentation).
  case random(any CaseTransform)

  /// True for steps that draw random numbers (the cache stops before the first one).
  public var isRandom: Bool {
    switch self {
    case .randCrop, .random: return true
    default: return false
    }
  }

  /// Applies the step.
  public func apply(_ c: Case, using rng: inout RandomGenerator) throws -> [Case] {
    var c = c
    switch self {
    case .image(let t):
      c.image = try t(c.image)
    case .label(let t):
      if let l = c.label { c.label = try t(l) }
    case .both(let ti, let tl):
      c.image = try ti(c.image)
      if let l = c.label { c.label = try tl(l) }
    case .cropForeground(let t):
      let box = try t.boundingBox(c.image)
      c.image = cropOrPad(c.image, start: box.start, end: box.end)
      if let l = c.label { c.label = cropOrPad(l, start: box.start, end: box.end) }
    case .randCrop(let t):
      guard let label = c.label else {
        throw VistaError("rand_crop_by_pos_neg_label: case \(c.name) has no label")
      }
      guard label.spatialShape == c.image.spatialShape else {
        throw VistaError(
          "rand_crop_by_pos_neg_label: case \(c.name): image \(formatShape(c.image.spatialShape)) and label "
            + "\(formatShape(label.spatialShape)) grids differ")
      }
      let centres = try t.sampleCentres(label: label, image: c.image, using: &rng)
      let images = t.crop(c.image, centres: centres)
      let labels = t.crop(label, centres: centres)
      return zip(images, labels).map { Case(name: c.name, image: $0, label: $1) }
    case .random(let t):
      c = try t.apply(c, using: &rng)
    }
    return [c]
  }

  public var description: String {
    switch self {
    case .image(let t): return "\(t)  [image]"
    case .label(let t): return "\(t)  [label]"
    case .both(let a, let b):
      return a.description == b.description
        ? "\(a)  [image, label]" : "\(a)  [image]; \(b)  [label]"
    case .cropForeground(let t): return "\(t)  [image, label; source image]"
    case .randCrop(let t): return "\(t)  [image, label]"
    case .random(let t): return t.description
    }
  }
}

/// A named, printable sequence of case transforms (MONAI's Compose of dictionary transforms).
public struct Pipeline: Sendable, CustomStringConvertible {
  /// Name shown when printed.
  public var name: String
  /// The steps after loading, in order.
  public var steps: [PipelineStep]

  /// A pipeline.
  public init(name: String, steps: [PipelineStep]) {
    self.name = name
    self.steps = steps
  }

  /// Index of the first random step (steps before it can be cached).
  public var deterministicCount: Int { steps.firstIndex(where: \.isRandom) ?? steps.count }

  /// Runs steps `range` on a case.
  public func run(_ c: Case, steps range: Range<Int>? = nil, using rng: inout RandomGenerator)
    throws -> [Case]
  {
    var cases = [c]
    for step in steps[range ?? steps.indices] {
      cases = try cases.flatMap { try step.apply($0, using: &rng) }
    }
    return cases
  }

  /// Runs the whole pipeline on a case.
  public func callAsFunction(_ c: Case, using rng: inout RandomGenerator) throws -> [Case] {
    try run(c, using: &rng)
  }

  /// Runs a deterministic pipeline (throws if it has random steps).
  public func callAsFunction(_ c: Case) throws -> Case {
    guard deterministicCount == steps.count else {
      throw VistaError("pipeline \(name) is random; call it with a random generator")
    }
    var rng = RandomGenerator(seed: 0)
    return try run(c, using: &rng)[0]
  }

  /// The tutorial's training transforms (finetune-workflow.md §1.3): ScaleIntensityRange(−1000..1000 → 0..1,
  /// clip) → Orientation RAS → Spacing 1.5 mm (bilinear / nearest) → RandCropByPosNegLabel(96³, 1:1, 2 samples,
  /// image > 0) → MapLabels {1: 3}. `augment` adds the bundle's train.json intensity augmentation
  /// (RandScaleIntensity 0.1 and RandShiftIntensity 0.1, each p = 0.1) after the crop; the tutorial has none.
  public static func tutorialTrain(
    pixdim: [Double] = [1.5, 1.5, 1.5], patch: [Int] = [96, 96, 96], numSamples: Int = 2,
    labelMap: [Int: Int] = [1: 3], augment: Bool = false
  ) -> Pipeline {
    var steps = prefix(pixdim: pixdim)
    steps.append(
      .randCrop(
        RandCropByPosNegLabel(
          spatialSize: patch, pos: 1, neg: 1, numSamples: numSamples, imageThreshold: 0)))
    if augment {
      steps.append(.random(RandScaleIntensity(factors: 0.1, prob: 0.1)))
      steps.append(.random(RandShiftIntensity(offsets: 0.1, prob: 0.1)))
    }
    if !labelMap.isEmpty { steps.append(.label(MapLabels(labelMap))) }
    return Pipeline(name: "tutorial-train", steps: steps)
  }

  /// The tutorial's validation transforms: the training prefix, no crop, then MapLabels {1: 3}.
  public static func tutorialVal(pixdim: [Double] = [1.5, 1.5, 1.5], labelMap: [Int: Int] = [1: 3])
    -> Pipeline
  {
    var steps = prefix(pixdim: pixdim)
    if !labelMap.isEmpty { steps.append(.label(MapLabels(labelMap))) }
    return Pipeline(name: "tutorial-val", steps: steps)
  }

  /// The tutorial's "original spacing" evaluation transforms (val_org_transforms): Orientation RAS and
  /// Spacing on the image only, ScaleIntensityRange, CropForeground(allow_smaller) of the image, MapLabels on
  /// the label, which stays on its original grid. Map predictions back with `ResampleToMatch(originalImage)`.
  public static func tutorialValOrg(
    pixdim: [Double] = [1.5, 1.5, 1.5], labelMap: [Int: Int] = [1: 3]
  ) -> Pipeline {
    var steps: [PipelineStep] = [
      .image(Orientation(axcodes: "RAS")),
      .image(Spacing(pixdim: pixdim, mode: .bilinear)),
      .image(ScaleIntensityRange(aMin: -1000, aMax: 1000, bMin: 0, bMax: 1, clip: true)),
      .image(CropForeground(allowSmaller: true)),
    ]
    if !labelMap.isEmpty { steps.append(.label(MapLabels(labelMap))) }
    return Pipeline(name: "tutorial-val-org", steps: steps)
  }

  static func prefix(pixdim: [Double]) -> [PipelineStep] {
    [
      .image(ScaleIntensityRange(aMin: -1000, aMax: 1000, bMin: 0, bMax: 1, clip: true)),
      .both(Orientation(axcodes: "RAS"), Orientation(axcodes: "RAS")),
      .both(Spacing(pixdim: pixdim, mode: .bilinear), Spacing(pixdim: pixdim, mode: .nearest)),
    ]
  }

  /// Pipelines by name: "tutorial-train", "tutorial-val", "tutorial-val-org".
  public static func named(_ name: String) throws -> Pipeline {
    switch name {
    case "tutorial-train": return tutorialTrain()
    case "tutorial-val": return tutorialVal()
    case "tutorial-val-org": return tutorialValOrg()
    default:
      throw VistaError(
        "transforms: unknown pipeline \"\(name)\" (known: tutorial-train, tutorial-val, tutorial-val-org)"
      )
    }
  }

  public var description: String {
    (["\(name):", "  LoadImage + EnsureChannelFirst  [image, label]"]
      + steps.map { "  " + $0.description }).joined(separator: "\n")
  }
}
