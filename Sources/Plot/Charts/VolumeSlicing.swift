/// An anatomical viewing plane.
public enum SlicePlane: String, CaseIterable, Sendable {
  /// Transverse: looking from the feet (normal along inferior–superior).
  case axial
  /// Frontal: looking at the patient's front (normal along posterior–anterior).
  case coronal
  /// Side view: normal along right–left.
  case sagittal
}

/// How the array axes of a volume point in patient space, and the radiological display of each
/// plane.
///
/// Volumes are `[X, Y, Z]` row-major with Z fastest (MONAI's channel-less `[H, W, D]` after
/// `LoadImage`), index `(x·Y + y)·Z + z`. `axcodes` follows nibabel/MONAI `Orientation`: each
/// letter names the direction in which that array index *increases*, so the default `"RAS"`
/// means x grows towards the patient's Right, y towards Anterior and z towards Superior
/// (nibabel's RAS+; MONAI `Orientationd(axcodes="RAS")`).
///
/// Display follows the radiological convention used by clinical viewers:
/// - axial: patient Right on the image's left, Anterior at the top (viewed from the feet);
/// - coronal: patient Right on the image's left, Superior at the top (viewed from the front);
/// - sagittal: Anterior on the image's left, Superior at the top (patient facing left).
///
/// In each plane, display column 0 and row 0 are at the R, A or S end of their anatomical axis,
/// so for an array axis that increases towards R/A/S the display runs from the highest index
/// down; for one increasing towards L/P/I it runs from index 0 up.
public struct VolumeOrientation: Sendable {
  /// Array shape `[X, Y, Z]`.
  public let shape: [Int]
  /// Voxel spacing per array axis (mm).
  public let spacing: [Double]
  /// The orientation code, e.g. "RAS" or "LPS".
  public let axcodes: String
  /// For anatomical axes LR, AP, SI: (array axis, +1 if the index increases towards R/A/S).
  let anatomical: [(axis: Int, sign: Int)]

  /// Validates the shape (3 positive sizes), spacing (3 positive values) and axcodes (one of
  /// R/L, one of A/P, one of S/I).
  public init(shape: [Int], spacing: [Double] = [1, 1, 1], axcodes: String = "RAS") throws {
    guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
      throw PlotError("volume shape must be [X, Y, Z] with positive sizes, got \(shape)")
    }
    guard spacing.count == 3, spacing.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw PlotError(
        "spacing must be 3 positive numbers (mm per voxel along x, y, z), got \(spacing)")
    }
    let codes = Array(axcodes.uppercased())
    var found: [(axis: Int, sign: Int)?] = [nil, nil, nil]
    if codes.count == 3 {
      for (i, c) in codes.enumerated() {
        let (k, s): (Int, Int)
        switch c {
        case "R": (k, s) = (0, 1)
        case "L": (k, s) = (0, -1)
        case "A": (k, s) = (1, 1)
        case "P": (k, s) = (1, -1)
        case "S": (k, s) = (2, 1)
        case "I": (k, s) = (2, -1)
        default: (k, s) = (-1, 0)
        }
        if k >= 0 && found[k] == nil {
          found[k] = (i, s)
        } else {
          found = [nil, nil, nil]
          break
        }
      }
    }
    guard found.allSatisfy({ $0 != nil }) else {
      throw PlotError(
        "axcodes must use each anatomical axis once (R/L, A/P, S/I), e.g. \"RAS\" or \"LPS\"; got \"\(axcodes)\""
      )
    }
    self.shape = shape
    self.spacing = spacing
    self.axcodes = String(codes)
    anatomical = found.map { $0! }
  }

  /// The array axis normal to `plane` (the one a slice index counts along).
  public func sliceAxis(_ plane: SlicePlane) -> Int { anatomical[layout(plane).normal].axis }

  /// Number of slices in `plane`.
  public func sliceCount(_ plane: SlicePlane) -> Int { shape[sliceAxis(plane)] }

  /// Anatomical axes (0 = LR, 1 = AP, 2 = SI) of the normal, the display columns and rows.
  func layout(_ plane: SlicePlane) -> (normal: Int, col: Int, row: Int) {
    switch plane {
    case .axial: return (2, 0, 1)
    case .coronal: return (1, 0, 2)
    case .sagittal: return (0, 1, 2)
    }
  }

  /// Display geometry of `plane`: columns and rows, their array axes, and pixel size in mm.
  public func displaySize(_ plane: SlicePlane) -> (
    cols: Int, rows: Int, colSpacing: Double, rowSpacing: Double
  ) {
    let l = layout(plane)
    let ca = anatomical[l.col].axis
    let ra = anatomical[l.row].axis
    return (shape[ca], shape[ra], spacing[ca], spacing[ra])
  }

  /// The array index along the column (or row) axis for display position `c`.
  func arrayIndex(display c: Int, anatomicalAxis k: Int) -> Int {
    let (a, s) = anatomical[k]
    return s > 0 ? shape[a] - 1 - c : c
  }

  /// Display (column, row) of voxel `[x, y, z]` in `plane`, plus its slice index.
  public func displayPosition(voxel v: [Int], plane: SlicePlane) -> (col: Int, row: Int, slice: Int)
  {
    let l = layout(plane)
    func disp(_ k: Int) -> Int {
      let (a, s) = anatomical[k]
      return s > 0 ? shape[a] - 1 - v[a] : v[a]
    }
    return (disp(l.col), disp(l.row), v[anatomical[l.normal].axis])
  }

  /// Flat offsets into the volume for every display pixel of slice `index` in `plane`.
  ///
  /// Returns [rows, cols] row-major offsets (display row 0 at the top).
  func sliceOffsets(_ plane: SlicePlane, index: Int) -> (cols: Int, rows: Int, offsets: [Int]) {
    let l = layout(plane)
    let strides = [shape[1] * shape[2], shape[2], 1]
    let (cols, rows, _, _) = displaySize(plane)
    let na = anatomical[l.normal].axis
    let base = min(max(index, 0), shape[na] - 1) * strides[na]
    let cs = (0..<cols).map {
      arrayIndex(display: $0, anatomicalAxis: l.col) * strides[anatomical[l.col].axis]
    }
    let rs = (0..<rows).map {
      arrayIndex(display: $0, anatomicalAxis: l.row) * strides[anatomical[l.row].axis]
    }
    var out = [Int](repeating: 0, count: rows * cols)
    for r in 0..<rows {
      for c in 0..<cols { out[r * cols + c] = base + rs[r] + cs[c] }
    }
    return (cols, rows, out)
  }

  /// Foreground voxel count of every slice in `plane` (labels > 0, or only `classes` when given).
  ///
  /// labels: [X, Y, Z] row-major, same shape.
  public func foregroundPerSlice(_ labels: [Int32], plane: SlicePlane, classes: Set<Int32>? = nil)
    -> [Int]
  {
    let a = sliceAxis(plane)
    var counts = [Int](repeating: 0, count: shape[a])
    guard labels.count == shape[0] * shape[1] * shape[2] else { return counts }
    let (X, Y, Z) = (shape[0], shape[1], shape[2])
    labels.withUnsafeBufferPointer { p in
      for x in 0..<X {
        for y in 0..<Y {
          let row = (x * Y + y) * Z
          for z in 0..<Z {
            let v = p[row + z]
            if v > 0 && (classes == nil || classes!.contains(v)) {
              counts[a == 0 ? x : (a == 1 ? y : z)] += 1
            }
          }
        }
      }
    }
    return counts
  }

  /// The slice in `plane` with the largest labelled area (first one on ties); nil when empty.
  public func largestSlice(_ labels: [Int32], plane: SlicePlane, classes: Set<Int32>? = nil) -> Int?
  {
    let c = foregroundPerSlice(labels, plane: plane, classes: classes)
    guard let m = c.max(), m > 0 else { return nil }
    return c.firstIndex(of: m)
  }
}
