import Foundation

/// Settings of `segment` / `segmentFile`: the tutorial's validation preprocessing and sliding window.
public struct SegmentOptions: Sendable, Equatable {
  /// Sliding-window roi (the training patch).
  public var roi: [Int] = [96, 96, 96]
  /// Window overlap (MONAI's default 0.25).
  public var overlap: Double = 0.25
  /// Windows per forward.
  public var swBatchSize: Int = 1
  /// Blending of overlapping windows.
  public var mode: BlendMode = .constant
  /// Target spacing of the preprocessing (mm).
  public var pixdim: [Double] = [1.5, 1.5, 1.5]
  /// Run the tutorial's preprocessing (HU window −1000..1000 → 0..1, RAS, spacing) first; false
  /// when the volume already is on the model's grid and intensity scale.
  public var preprocess: Bool = true

  /// The tutorial's settings.
  public init() {}

  /// Options with a given roi and overlap.
  public init(roi: [Int], overlap: Double = 0.25) {
    self.roi = roi
    self.overlap = overlap
  }
}

/// A label map and the grid it lives on.
public struct Segmentation: Sendable {
  /// Label map `[1, X, Y, Z]` of global class ids (0 = background), on the preprocessed grid.
  public var labels: Volume
  /// The raw logits `[K, X, Y, Z]` (one channel per prompted object), same grid.
  public var logits: Tensor
  /// The prompted classes (nil for point-only).
  public var classes: [Int]?
}

/// Segments `volume` with class and/or point prompts and returns the label map on the
/// preprocessed grid (its affine says where that grid is).
///
/// `points` are voxel coordinates `[[i, j, k], …]` of the volume as given (before preprocessing),
/// mapped onto the preprocessed grid through the affines; `pointLabels` 1 positive, 0 negative
/// (3/2 for special classes). With only points the output uses `classes?.first` or 1 as id, and
/// only windows centred on the clicks are computed (`vistaPointWindows`); with classes, the whole
/// volume goes through the sliding window.
public func segment(
  _ model: VISTA3D, _ volume: Volume, classes: [Int]? = nil, points: [[Double]]? = nil, pointLabels: [Int]? = nil,
  options: SegmentOptions = SegmentOptions()
) throws -> Segmentation {
  let prepared = options.preprocess ? try preprocessForSegment(volume, pixdim: options.pixdim) : volume
  var pointTensor: Tensor? = nil
  if let points {
    guard let pointLabels, pointLabels.count == points.count else {
      throw VistaError("segment: \(points.count) points but \(pointLabels?.count ?? 0) point labels")
    }
    let map = try prepared.affine.inverse() * volume.affine
    var flat: [Float] = []
    for p in points {
      guard p.count == 3 else { throw VistaError("segment: a point needs 3 voxel coordinates, got \(p)") }
      flat += map.apply(p).map { Float($0) }
    }
    pointTensor = try Tensor(shape: [points.count, 3], scalars: flat)
  }
  let image = try prepared.array.reshaped([1] + prepared.shape)
  let logits: Tensor
  if classes == nil, let pointTensor, let pointLabels {
    // Clicks only: windows centred on the clicks (MONAI's point_based_window_inferer).
    logits = try vistaPointWindows(model, image: image, points: pointTensor, pointLabels: pointLabels, roi: options.roi)
  } else {
    var sw = SlidingWindowOptions(roi: options.roi, overlap: [options.overlap], swBatchSize: options.swBatchSize)
    sw.mode = options.mode
    logits = try vistaSlidingWindow(
      model, image: image, classes: classes, points: pointTensor, pointLabels: pointLabels, options: sw)
  }
  let channelLogits = try logits.reshaped(Array(logits.shape.dropFirst()))
  let ids = classes ?? [1]
  let labels = try vistaPostProcess(channelLogits, labelPrompt: ids)
  let labelVolume = try Volume(array: labels.toFloat(), affine: prepared.affine, dtype: "uint8", source: volume.source)
  return Segmentation(labels: labelVolume, logits: channelLogits, classes: classes)
}

/// Segments a case's image (see `segment(_:_:…)`); the label, if any, is ignored.
public func segment(
  _ model: VISTA3D, case c: Case, classes: [Int]? = nil, points: [[Double]]? = nil, pointLabels: [Int]? = nil,
  options: SegmentOptions = SegmentOptions()
) throws -> Segmentation {
  try segment(model, c.image, classes: classes, points: points, pointLabels: pointLabels, options: options)
}

/// Segments the NIfTI file `input` and writes the label map to `output` on the ORIGINAL grid with
/// the original affine (nearest-neighbour inverse of Orientation + Spacing), as uint8 class ids.
///
/// Points are voxel coordinates of the input file. Returns the written volume.
@discardableResult
public func segmentFile(
  _ input: String, _ output: String, model: VISTA3D, classes: [Int]? = nil, points: [[Double]]? = nil,
  pointLabels: [Int]? = nil, options: SegmentOptions = SegmentOptions()
) throws -> Volume {
  let original = try NIfTI.read(URL(fileURLWithPath: input))
  let seg = try segment(model, original, classes: classes, points: points, pointLabels: pointLabels, options: options)
  let back = try ResampleToMatch(affine: original.affine, spatialShape: original.spatialShape, mode: .nearest)(seg.labels)
  let out = try Volume(array: back.array, affine: original.affine, dtype: "uint8", source: output)
  try NIfTI.write(out, to: URL(fileURLWithPath: output), dtype: "uint8")
  return out
}

/// The tutorial's validation preprocessing of an image (no label): ScaleIntensityRange
/// (−1000..1000 → 0..1, clip), Orientation RAS, Spacing (bilinear).
public func preprocessForSegment(_ volume: Volume, pixdim: [Double] = [1.5, 1.5, 1.5]) throws -> Volume {
  let pipeline = Pipeline.tutorialVal(pixdim: pixdim, labelMap: [:])
  return try pipeline(Case(name: volume.source ?? "image", image: volume)).image
}
