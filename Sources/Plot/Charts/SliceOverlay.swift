import Foundation

/// One panel of a slice figure.
public enum SlicePanel: String, CaseIterable, Sendable {
  /// The windowed CT slice in grey.
  case image
  /// The ground-truth label over the image.
  case label
  /// The prediction over the image.
  case prediction
  /// Prediction filled and ground truth outlined on the same image.
  case overlay
  /// Where prediction and label disagree: false positives red, false negatives blue.
  case errors
}

/// How label maps are drawn over the image.
public enum MaskStyle: Sendable {
  /// Semi-transparent per-class colour.
  case fill
  /// Per-class outlines (2 px).
  case contour
}

/// A click prompt in voxel coordinates `[x, y, z]` of the original image.
public struct PointPrompt: Equatable, Sendable {
  /// Voxel indices `[x, y, z]`.
  public var voxel: [Int]
  /// Foreground (green) or background (red) click.
  public var positive: Bool

  /// Creates a prompt.
  public init(voxel: [Int], positive: Bool) {
    self.voxel = voxel
    self.positive = positive
  }

  /// Prompts from VISTA3D-style `points` and `point_labels` (1 positive, 0 negative, −1 ignored).
  public static func from(points: [[Int]], labels: [Int]) throws -> [PointPrompt] {
    guard points.count == labels.count else {
      throw PlotError("got \(points.count) points but \(labels.count) point labels")
    }
    var out: [PointPrompt] = []
    for (p, l) in zip(points, labels) where l >= 0 {
      guard p.count == 3 else { throw PlotError("a point must be [x, y, z], got \(p)") }
      out.append(PointPrompt(voxel: p, positive: l != 0))
    }
    return out
  }
}

/// Image | ground truth | prediction | overlay panels of one slice of a CT volume, in
/// radiological orientation (see `VolumeOrientation`), with a CT window, per-class colours,
/// a legend of class names, Dice in the caption and click prompts as markers.
///
/// image: [X, Y, Z] Float (HU, or 0…1 with `window = .unit`); label, prediction: [X, Y, Z] Int32.
public struct SliceOverlay: Sendable {
  /// Intensities, [X, Y, Z] row-major.
  public var image: [Float]
  /// Ground-truth classes, [X, Y, Z] (0 = background), if any.
  public var label: [Int32]?
  /// Predicted classes, [X, Y, Z], if any.
  public var prediction: [Int32]?
  /// Shape, spacing and axis directions.
  public var orientation: VolumeOrientation
  /// Viewing plane.
  public var plane: SlicePlane = .axial
  /// Slice index along the plane's normal array axis; nil picks the slice with the largest
  /// ground-truth area (else prediction area, else the first positive click, else the middle).
  public var slice: Int?
  /// Intensity window (default abdomen: level 40, width 400 HU).
  public var window: CTWindow = .abdomen
  /// Caption prefix, e.g. the case id.
  public var title: String?
  /// Dice shown in the caption.
  public var dice: Double?
  /// Per-class Dice shown next to class names in the legend.
  public var classDice: [Int: Double] = [:]
  /// Class names for the legend (e.g. VISTA3D's label dictionary); missing ids show as `class k`.
  public var classNames: [Int: String] = [:]
  /// Click prompts.
  public var points: [PointPrompt] = []
  /// Fill or contour for the label and prediction panels.
  public var style: MaskStyle = .fill
  /// Opacity of filled labels (0…1).
  public var alpha: Double = 0.5
  /// Panels to draw; nil draws image, then label / prediction / overlay when available.
  public var panels: [SlicePanel]?

  /// Creates a figure model; throws when array sizes do not match the shape.
  public init(
    image: [Float], shape: [Int], spacing: [Double] = [1, 1, 1], axcodes: String = "RAS",
    label: [Int32]? = nil, prediction: [Int32]? = nil
  ) throws {
    let o = try VolumeOrientation(shape: shape, spacing: spacing, axcodes: axcodes)
    let n = shape.reduce(1, *)
    guard image.count == n else {
      throw PlotError("image has \(image.count) values but shape \(shape) needs \(n)")
    }
    if let l = label, l.count != n {
      throw PlotError("label has \(l.count) values but shape \(shape) needs \(n)")
    }
    if let p = prediction, p.count != n {
      throw PlotError("prediction has \(p.count) values but shape \(shape) needs \(n)")
    }
    self.image = image
    self.label = label
    self.prediction = prediction
    orientation = o
  }

  /// The slice that will be drawn (given, or chosen automatically), clamped to the volume.
  public var resolvedSlice: Int {
    let count = orientation.sliceCount(plane)
    if let s = slice { return min(max(s, 0), count - 1) }
    if let l = label, let s = orientation.largestSlice(l, plane: plane) { return s }
    if let p = prediction, let s = orientation.largestSlice(p, plane: plane) { return s }
    if let p = points.first(where: \.positive), p.voxel.count == 3 {
      return min(max(p.voxel[orientation.sliceAxis(plane)], 0), count - 1)
    }
    return count / 2
  }

  /// The panels that will be drawn.
  public var resolvedPanels: [SlicePanel] {
    if let p = panels, !p.isEmpty { return p }
    var out: [SlicePanel] = [.image]
    if label != nil { out.append(.label) }
    if prediction != nil { out.append(.prediction) }
    if label != nil && prediction != nil { out.append(.overlay) }
    return out
  }

  /// The caption, e.g. `case_01 · axial z=80/113 · Dice 0.912`.
  public var caption: String {
    let axis = ["x", "y", "z"][orientation.sliceAxis(plane)]
    var parts: [String] = []
    if let t = title { parts.append(t) }
    parts.append("\(plane.rawValue) \(axis)=\(resolvedSlice)/\(orientation.sliceCount(plane) - 1)")
    if let d = dice { parts.append("Dice " + String(format: "%.3f", d)) }
    return parts.joined(separator: " · ")
  }

  /// Copies of this figure at each of `indices` (for a grid of several slices of one case).
  public func atSlices(_ indices: [Int]) -> [SliceOverlay] {
    indices.map { i in
      var c = self
      c.slice = i
      return c
    }
  }

  /// Renders one row of panels, each fitted in a `panelSize`² box.
  public func render(panelSize: Int = 320, theme: Theme = Theme()) throws -> Figure {
    try SliceOverlay.grid([self], panelSize: panelSize, theme: theme)
  }

  /// Renders and writes a PNG.
  public func write(to path: String, panelSize: Int = 320, theme: Theme = Theme()) throws {
    try render(panelSize: panelSize, theme: theme).write(to: path)
  }

  /// Renders several rows (cases or slices) in one figure with a shared legend.
  public static func grid(_ rows: [SliceOverlay], panelSize: Int = 320, theme: Theme = Theme())
    throws -> Figure
  {
    guard !rows.isEmpty else { throw PlotError("slice grid needs at least one row") }
    return try renderGrid(rows, panelSize: max(32, panelSize), theme: theme)
  }

  /// Writes a grid figure as PNG.
  public static func writeGrid(
    _ rows: [SliceOverlay], to path: String, panelSize: Int = 320, theme: Theme = Theme()
  ) throws {
    try grid(rows, panelSize: panelSize, theme: theme).write(to: path)
  }
}
