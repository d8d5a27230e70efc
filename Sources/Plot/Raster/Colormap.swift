/// A continuous colormap from 0…1 to opaque colours, evaluated through a 256-entry table.
public struct Colormap: Sendable {
  /// The colormap's name (`gray`, `viridis`).
  public let name: String
  /// 256 RGB triples, index 0 = value 0.
  let table: [UInt8]

  /// Black → white.
  public static let gray = Colormap(name: "gray", anchors: [(0, 0, 0), (1, 1, 1)], at: [0, 255])

  /// matplotlib's viridis, linear between every 8th entry of matplotlib's 256-entry table
  /// (`_cm_listed._viridis_data`); within 0.5 % of the full table.
  public static let viridis = Colormap(
    name: "viridis", anchors: viridisAnchors, at: viridisPositions)

  /// The named colormap, or nil (`gray`/`grey`, `viridis`).
  public static func named(_ name: String) -> Colormap? {
    switch name.lowercased() {
    case "gray", "grey": return .gray
    case "viridis": return .viridis
    default: return nil
    }
  }

  init(name: String, anchors: [(Double, Double, Double)], at positions: [Int]) {
    self.name = name
    var t = [UInt8](repeating: 0, count: 768)
    for k in 0..<(positions.count - 1) {
      let (i0, i1) = (positions[k], positions[k + 1])
      for i in i0...i1 {
        let f = Double(i - i0) / Double(i1 - i0)
        let a = anchors[k]
        let b = anchors[k + 1]
        t[3 * i] = Color.byte(a.0 + (b.0 - a.0) * f)
        t[3 * i + 1] = Color.byte(a.1 + (b.1 - a.1) * f)
        t[3 * i + 2] = Color.byte(a.2 + (b.2 - a.2) * f)
      }
    }
    table = t
  }

  /// The colour at `t` in 0…1 (clamped; NaN maps to 0).
  public func color(at t: Double) -> Color {
    let i = index(t)
    return Color(r: table[3 * i], g: table[3 * i + 1], b: table[3 * i + 2])
  }

  /// The table index for `t`.
  @inline(__always)
  func index(_ t: Double) -> Int {
    guard t == t else { return 0 }
    return Int((t * 255 + 0.5).clamped(0, 255))
  }
}

/// A CT intensity window: values `level ± width/2` map linearly onto 0…1 (black … white).
public struct CTWindow: Equatable, Sendable {
  /// Window centre in the image's units (HU for CT).
  public var level: Double
  /// Window width in the image's units (positive).
  public var width: Double

  /// Creates a window; widths ≤ 0 are replaced by a tiny positive width.
  public init(level: Double, width: Double) {
    self.level = level
    self.width = max(width, 1e-6)
  }

  /// Soft-tissue abdomen window, level 40 HU, width 400 HU (−160…240 HU).
  public static let abdomen = CTWindow(level: 40, width: 400)
  /// Lung window, level −600 HU, width 1500 HU.
  public static let lung = CTWindow(level: -600, width: 1500)
  /// Bone window, level 400 HU, width 1800 HU.
  public static let bone = CTWindow(level: 400, width: 1800)
  /// Identity for images already scaled to 0…1.
  public static let unit = CTWindow(level: 0.5, width: 1)

  /// Lowest value shown as black.
  public var lower: Double { level - width / 2 }
  /// Highest value shown as white.
  public var upper: Double { level + width / 2 }

  /// `v` mapped to 0…1 (clamped; NaN maps to 0).
  @inline(__always)
  public func apply(_ v: Double) -> Double {
    let t = (v - lower) / width
    return t == t ? t.clamped(0, 1) : 0
  }
}

/// Categorical colours for series and label classes.
public enum Palette {
  /// matplotlib's tab10 colour cycle (C0…C9).
  public static let tab10: [Color] = [
    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22,
    0x17becf,
  ].map { Color(hex: $0) }

  /// Label colours: tab10 without its grey, then tab20's light shades; 17 distinct colours.
  static let labelColors: [Color] =
    [
      0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0xbcbd22, 0x17becf,
      0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94, 0xf7b6d2, 0xdbdb8d,
    ].map { Color(hex: $0) }

  /// The fixed colour of label class `k` (class 0, background, is transparent).
  public static func label(_ k: Int) -> Color {
    guard k > 0 else { return .clear }
    return labelColors[(k - 1) % labelColors.count]
  }

  /// The series colour for index `i` (tab10 cycle).
  public static func series(_ i: Int) -> Color { tab10[((i % 10) + 10) % 10] }
}

/// Entries 0, 8, 16, …, 248 and 255 of matplotlib's viridis table.
private let viridisPositions = Array(stride(from: 0, through: 248, by: 8)) + [255]
private let viridisAnchors: [(Double, Double, Double)] = [
  (0.267004, 0.004874, 0.329415), (0.277018, 0.050344, 0.375715), (0.282327, 0.094955, 0.417331),
  (0.282884, 0.135920, 0.453427), (0.278826, 0.175490, 0.483397), (0.270595, 0.214069, 0.507052),
  (0.258965, 0.251537, 0.524736), (0.244972, 0.287675, 0.537260), (0.229739, 0.322361, 0.545706),
  (0.214298, 0.355619, 0.551184), (0.199430, 0.387607, 0.554642), (0.185556, 0.418570, 0.556753),
  (0.172719, 0.448791, 0.557885), (0.160665, 0.478540, 0.558115), (0.149039, 0.508051, 0.557250),
  (0.137770, 0.537492, 0.554906), (0.127568, 0.566949, 0.550556), (0.120565, 0.596422, 0.543611),
  (0.120638, 0.625828, 0.533488), (0.132268, 0.655014, 0.519661), (0.157851, 0.683765, 0.501686),
  (0.196571, 0.711827, 0.479221), (0.246070, 0.738910, 0.452024), (0.304148, 0.764704, 0.419943),
  (0.369214, 0.788888, 0.382914), (0.440137, 0.811138, 0.340967), (0.515992, 0.831158, 0.294279),
  (0.595839, 0.848717, 0.243329), (0.678489, 0.863742, 0.189503), (0.762373, 0.876424, 0.137064),
  (0.845561, 0.887322, 0.099702), (0.926106, 0.897330, 0.104071), (0.993248, 0.906157, 0.143936),
]
