/// Sizes, colours and fonts shared by every chart; the defaults follow matplotlib's (white
/// background, DejaVu Sans 10 pt at 100 dpi, 1.5 pt lines, tab10 colours).
public struct Theme: Sendable {
  /// The regular font file (DejaVu Sans by default).
  public var fontPath: String = FontFace.dejaVuSansPath
  /// The bold font file for titles (falls back to the regular font when missing).
  public var boldFontPath: String? = FontFace.dejaVuSansBoldPath
  /// Pixels per inch; sizes below are in points (1/72 in).
  public var dpi: Double = 100
  /// Tick labels, axis labels and legend text, in points.
  public var fontSize: Double = 10
  /// Axes titles, in points.
  public var titleSize: Double = 12
  /// Figure titles (suptitles), in points.
  public var figureTitleSize: Double = 13
  /// Default series line width, in points.
  public var lineWidth: Double = 1.5
  /// Figure background.
  public var background: Color = .white
  /// Spines and ticks (dark grey).
  public var axisColor: Color = Color(hex: 0x333333)
  /// Labels and titles.
  public var textColor: Color = Color(hex: 0x222222)
  /// Grid lines.
  public var gridColor: Color = Color(hex: 0xe3e3e3)
  /// Legend frame.
  public var legendEdge: Color = Color(hex: 0xcccccc)

  /// The default theme.
  public init() {}

  /// Points → pixels at this theme's dpi.
  public func px(_ points: Double) -> Double { points * dpi / 72 }
}

/// A canvas plus the fonts and theme used to draw charts on it; write it out as PNG.
public final class Figure {
  /// The pixels.
  public var canvas: Canvas
  /// Sizes and colours.
  public let theme: Theme
  /// The loaded faces.
  public let fonts: FontSet

  /// Creates a blank figure; throws when the theme's font cannot be loaded.
  public init(width: Int, height: Int, theme: Theme = Theme()) throws {
    self.theme = theme
    fonts = try FontSet(regularPath: theme.fontPath, boldPath: theme.boldFontPath)
    canvas = Canvas(width: width, height: height, background: theme.background)
  }

  /// Creates a blank figure sharing already loaded fonts (and their glyph caches).
  public init(width: Int, height: Int, theme: Theme, fonts: FontSet) {
    self.theme = theme
    self.fonts = fonts
    canvas = Canvas(width: width, height: height, background: theme.background)
  }

  /// Width in pixels.
  public var width: Int { canvas.width }
  /// Height in pixels.
  public var height: Int { canvas.height }

  /// The figure encoded as PNG bytes.
  public func pngData() throws -> [UInt8] { try PNG.encode(canvas) }

  /// Writes the figure as a PNG file atomically.
  public func write(to path: String) throws { try PNG.write(canvas, to: path) }

  /// Draws text at `size` points in the regular (or bold) face; returns the box covered.
  @discardableResult
  public func text(
    _ s: String, at p: Point, size: Double? = nil, bold: Bool = false, color: Color? = nil,
    align: HAlign = .left, valign: VAlign = .baseline, rotated: Bool = false
  ) -> Rect {
    canvas.drawText(
      s, at: p, face: bold ? fonts.bold : fonts.regular, size: theme.px(size ?? theme.fontSize),
      color: color ?? theme.textColor, align: align, valign: valign, rotated: rotated)
  }

  /// The extent of `s` at `size` points.
  public func measure(_ s: String, size: Double? = nil, bold: Bool = false) -> TextExtent {
    (bold ? fonts.bold : fonts.regular).measure(s, size: theme.px(size ?? theme.fontSize))
  }
}
