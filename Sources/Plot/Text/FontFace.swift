import CFreeType
import Foundation

/// One rasterised glyph: an 8-bit coverage bitmap plus its placement relative to the pen.
struct Glyph {
  /// Coverage 0…255, [rows, width] row-major.
  var bitmap: [UInt8]
  var width: Int
  var rows: Int
  /// Offset from the pen position to the bitmap's left edge.
  var left: Int
  /// Offset from the baseline up to the bitmap's top row.
  var top: Int
  /// Horizontal advance in pixels.
  var advance: Double
}

/// A TrueType face loaded through FreeType, with a cache of rendered glyphs per pixel size.
///
/// Not thread-safe: each figure owns its faces.
public final class FontFace {
  /// The font file this face was loaded from.
  public let path: String
  private var library: FT_Library?
  private var face: FT_Face?
  private var currentSize: Int = -1
  private var cache: [GlyphKey: Glyph] = [:]

  private struct GlyphKey: Hashable {
    var scalar: UInt32
    var size64: Int
  }

  /// The regular DejaVu Sans file that Debian's `fonts-dejavu-core` installs.
  public static let dejaVuSansPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
  /// The bold DejaVu Sans file from the same package.
  public static let dejaVuSansBoldPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

  /// Loads the font at `path`; throws a clear error when the file is missing or unreadable.
  public init(path: String) throws {
    self.path = path
    guard FileManager.default.fileExists(atPath: path) else {
      throw PlotError(
        "font not found: '\(path)'. Install DejaVu Sans (Debian/Ubuntu: apt-get install "
          + "fonts-dejavu-core) or pass another .ttf path as the font path")
    }
    var lib: FT_Library?
    guard FT_Init_FreeType(&lib) == 0, let lib else {
      throw PlotError("cannot initialise FreeType to load font '\(path)'")
    }
    library = lib
    var f: FT_Face?
    let err = FT_New_Face(lib, path, 0, &f)
    guard err == 0, let f else {
      FT_Done_FreeType(lib)
      library = nil
      throw PlotError(
        "cannot load font '\(path)' (FreeType error \(err)); is it a TrueType/OpenType file?")
    }
    face = f
  }

  deinit {
    if let face { FT_Done_Face(face) }
    if let library { FT_Done_FreeType(library) }
  }

  private func setSize(_ size64: Int) {
    guard size64 != currentSize, let face else { return }
    FT_Set_Char_Size(face, 0, FT_F26Dot6(size64), 72, 72)
    currentSize = size64
  }

  /// Ascender and descender (positive, pixels) for a font of `pixelSize`.
  func lineMetrics(pixelSize: Double) -> (ascent: Double, descent: Double) {
    guard let face else { return (pixelSize * 0.76, pixelSize * 0.24) }
    let units = Double(face.pointee.units_per_EM)
    let asc = Double(face.pointee.ascender) / units * pixelSize
    let desc = -Double(face.pointee.descender) / units * pixelSize
    return (asc, desc)
  }

  /// The rendered glyph for `scalar` at `pixelSize` (cached); unknown characters render as
  /// FreeType's missing-glyph box.
  func glyph(_ scalar: Unicode.Scalar, pixelSize: Double) -> Glyph {
    let size64 = Int((pixelSize * 64).rounded())
    let key = GlyphKey(scalar: scalar.value, size64: size64)
    if let g = cache[key] { return g }
    setSize(size64)
    var g = Glyph(bitmap: [], width: 0, rows: 0, left: 0, top: 0, advance: pixelSize * 0.5)
    if let face, FT_Load_Char(face, FT_ULong(scalar.value), vista_ft_load_flags()) == 0,
      let slot = face.pointee.glyph
    {
      let bm = slot.pointee.bitmap
      let w = Int(bm.width)
      let rows = Int(bm.rows)
      let pitch = Int(bm.pitch)
      var bytes = [UInt8](repeating: 0, count: w * rows)
      if let buf = bm.buffer, w > 0, rows > 0 {
        for r in 0..<rows {
          let src = pitch >= 0 ? r * pitch : (rows - 1 - r) * (-pitch)
          for c in 0..<w { bytes[r * w + c] = buf[src + c] }
        }
      }
      g = Glyph(
        bitmap: bytes, width: w, rows: rows, left: Int(slot.pointee.bitmap_left),
        top: Int(slot.pointee.bitmap_top), advance: Double(slot.pointee.advance.x) / 64)
    }
    cache[key] = g
    return g
  }
}

/// The regular and bold faces a figure draws with.
public final class FontSet {
  /// Regular weight (tick labels, axis labels, legends).
  public let regular: FontFace
  /// Bold weight (titles); the regular face when no bold file is available.
  public let bold: FontFace

  /// Loads the faces; a missing regular font throws, a missing bold font falls back to regular.
  public init(
    regularPath: String = FontFace.dejaVuSansPath, boldPath: String? = FontFace.dejaVuSansBoldPath
  ) throws {
    regular = try FontFace(path: regularPath)
    if let boldPath, let b = try? FontFace(path: boldPath) {
      bold = b
    } else {
      bold = regular
    }
  }
}
