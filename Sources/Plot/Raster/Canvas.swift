/// An RGBA8 raster that every chart draws on; drawing outside the canvas or the clip box is
/// silently dropped.
///
/// pixels: [height, width, 4] row-major, straight alpha, (0, 0) top-left.
public struct Canvas: Sendable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// RGBA bytes, `4 * width * height`, row-major from the top row.
  public var pixels: [UInt8]
  /// Drawing is limited to this rectangle when set (e.g. a chart's data area).
  public var clipRect: Rect?

  /// Creates a canvas filled with `background` (sizes below 1 become 1).
  public init(width: Int, height: Int, background: Color = .white) {
    let w = max(1, width)
    let h = max(1, height)
    self.width = w
    self.height = h
    let px = [background.r, background.g, background.b, background.a]
    pixels = [UInt8](unsafeUninitializedCapacity: 4 * w * h) { buf, n in
      for i in 0..<(w * h) {
        buf[4 * i] = px[0]
        buf[4 * i + 1] = px[1]
        buf[4 * i + 2] = px[2]
        buf[4 * i + 3] = px[3]
      }
      n = 4 * w * h
    }
  }

  /// Creates a canvas over existing RGBA bytes; throws when the count is not `4 * width * height`.
  public init(width: Int, height: Int, rgba: [UInt8]) throws {
    guard width > 0, height > 0, rgba.count == 4 * width * height else {
      throw PlotError(
        "canvas of \(width)×\(height) needs \(4 * max(0, width * height)) RGBA bytes, got \(rgba.count)"
      )
    }
    self.width = width
    self.height = height
    pixels = rgba
  }

  /// The colour at pixel (x, y); transparent outside the canvas.
  public func pixel(x: Int, y: Int) -> Color {
    guard x >= 0, y >= 0, x < width, y < height else { return .clear }
    let i = 4 * (y * width + x)
    return Color(r: pixels[i], g: pixels[i + 1], b: pixels[i + 2], a: pixels[i + 3])
  }

  /// The writable pixel box: the canvas, intersected with `clipRect`.
  var drawableBox: PixelBox {
    let all = PixelBox(x0: 0, y0: 0, x1: width, y1: height)
    guard let clip = clipRect else { return all }
    let c = PixelBox(
      x0: Int(clip.x.rounded(.down)), y0: Int(clip.y.rounded(.down)),
      x1: Int(clip.maxX.rounded(.up)), y1: Int(clip.maxY.rounded(.up)))
    return all.intersection(c)
  }

  /// Blends `color` over pixel (x, y) with extra coverage 0…1; ignores pixels outside.
  public mutating func blend(x: Int, y: Int, color: Color, coverage: Double = 1) {
    let box = drawableBox
    guard x >= box.x0, x < box.x1, y >= box.y0, y < box.y1 else { return }
    let w = width
    pixels.withUnsafeMutableBufferPointer { p in
      blendPixel(p.baseAddress!, 4 &* (y &* w &+ x), color, Float(coverage))
    }
  }

  /// Fills `rect` with `color` (alpha respected); fractional edges are anti-aliased.
  public mutating func fill(_ rect: Rect, color: Color) {
    let box = PixelBox(covering: rect).intersection(drawableBox)
    if box.isEmpty || color.a == 0 { return }
    let w = width
    pixels.withUnsafeMutableBufferPointer { p in
      let base = p.baseAddress!
      for y in box.y0..<box.y1 {
        let cy = overlap(Double(y), rect.y, rect.maxY)
        if cy <= 0 { continue }
        for x in box.x0..<box.x1 {
          let c = cy * overlap(Double(x), rect.x, rect.maxX)
          if c > 0 { blendPixel(base, 4 &* (y &* w &+ x), color, Float(c)) }
        }
      }
    }
  }

  /// Copies an opaque RGB or RGBA image into the canvas with its top-left at (x, y), no blending.
  ///
  /// rgb: [h, w, channels] row-major bytes, channels 3 or 4.
  public mutating func blit(
    rgb: [UInt8], width w: Int, height h: Int, channels: Int, x: Int, y: Int
  ) {
    let box = PixelBox(x0: x, y0: y, x1: x + w, y1: y + h).intersection(drawableBox)
    if box.isEmpty || rgb.count < w * h * channels { return }
    let cw = width
    pixels.withUnsafeMutableBufferPointer { dst in
      rgb.withUnsafeBufferPointer { src in
        let d = dst.baseAddress!
        let s = src.baseAddress!
        for yy in box.y0..<box.y1 {
          for xx in box.x0..<box.x1 {
            let di = 4 &* (yy &* cw &+ xx)
            let si = channels &* ((yy &- y) &* w &+ (xx &- x))
            d[di] = s[si]
            d[di &+ 1] = s[si &+ 1]
            d[di &+ 2] = s[si &+ 2]
            d[di &+ 3] = channels == 4 ? s[si &+ 3] : 255
          }
        }
      }
    }
  }

  /// Blends `color` through a coverage mask (values 0…1) placed at the mask's own origin.
  mutating func composite(_ mask: CoverageMask, color: Color) {
    let box = PixelBox(
      x0: mask.x0, y0: mask.y0, x1: mask.x0 + mask.width, y1: mask.y0 + mask.height
    )
    .intersection(drawableBox)
    if box.isEmpty || color.a == 0 { return }
    let w = width
    let mw = mask.width
    pixels.withUnsafeMutableBufferPointer { p in
      mask.values.withUnsafeBufferPointer { m in
        let base = p.baseAddress!
        let mv = m.baseAddress!
        for y in box.y0..<box.y1 {
          let row = (y &- mask.y0) &* mw &- mask.x0
          for x in box.x0..<box.x1 {
            let c = mv[row &+ x]
            if c > 0 { blendPixel(base, 4 &* (y &* w &+ x), color, c) }
          }
        }
      }
    }
  }
}

/// Length of [v, v+1) ∩ [lo, hi).
@inline(__always)
private func overlap(_ v: Double, _ lo: Double, _ hi: Double) -> Double {
  max(0, min(v + 1, hi) - max(v, lo))
}

/// Source-over blend of `color` scaled by `coverage` into the RGBA pixel at byte offset `i`.
@inline(__always)
func blendPixel(_ p: UnsafeMutablePointer<UInt8>, _ i: Int, _ color: Color, _ coverage: Float) {
  let a = Float(color.a) * (1 / 255) * min(coverage, 1)
  if a >= 0.999 {
    p[i] = color.r
    p[i &+ 1] = color.g
    p[i &+ 2] = color.b
    p[i &+ 3] = 255
    return
  }
  let da = Float(p[i &+ 3]) * (1 / 255)
  let outA = a + da * (1 - a)
  if outA <= 0 { return }
  let k = da * (1 - a)
  @inline(__always) func ch(_ s: UInt8, _ d: UInt8) -> UInt8 {
    UInt8(((Float(s) * a + Float(d) * k) / outA + 0.5).clamped(0, 255))
  }
  p[i] = ch(color.r, p[i])
  p[i &+ 1] = ch(color.g, p[i &+ 1])
  p[i &+ 2] = ch(color.b, p[i &+ 2])
  p[i &+ 3] = UInt8((outA * 255 + 0.5).clamped(0, 255))
}
