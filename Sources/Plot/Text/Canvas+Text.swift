/// Horizontal text alignment relative to the anchor point.
public enum HAlign: Sendable {
  /// The anchor is at the text's left edge.
  case left
  /// The anchor is at the text's horizontal centre.
  case center
  /// The anchor is at the text's right edge.
  case right
}

/// Vertical text alignment relative to the anchor point.
public enum VAlign: Sendable {
  /// The anchor is at the line's top (ascender).
  case top
  /// The anchor is at the line's vertical centre.
  case center
  /// The anchor is on the baseline (rotated text: same as bottom).
  case baseline
  /// The anchor is at the line's bottom (descender).
  case bottom
}

/// The size of a line of text: advance width plus the face's ascent and descent.
public struct TextExtent: Equatable, Sendable {
  /// Advance width in pixels.
  public var width: Double
  /// Pixels above the baseline.
  public var ascent: Double
  /// Pixels below the baseline.
  public var descent: Double
  /// ascent + descent.
  public var height: Double { ascent + descent }
}

extension FontFace {
  /// The extent of `text` set in this face at `size` pixels per em (single line, no kerning).
  public func measure(_ text: String, size: Double) -> TextExtent {
    var w = 0.0
    for s in text.unicodeScalars { w += glyph(s, pixelSize: size).advance }
    let m = lineMetrics(pixelSize: size)
    return TextExtent(width: w, ascent: m.ascent, descent: m.descent)
  }
}

extension Canvas {
  /// Draws one line of `text` anchored at `at`; `rotated` turns it 90° anticlockwise (reads
  /// bottom to top, for y-axis labels) and the alignment then applies to the rotated box.
  /// Returns the box covered.
  @discardableResult
  public mutating func drawText(
    _ text: String, at: Point, face: FontFace, size: Double, color: Color,
    align: HAlign = .left, valign: VAlign = .baseline, rotated: Bool = false
  ) -> Rect {
    let ext = face.measure(text, size: size)
    let asc = Int(ext.ascent.rounded(.up))
    let tw = Int(ext.width.rounded(.up)) + 2
    let th = asc + Int(ext.descent.rounded(.up)) + 1
    // Render into an upright 8-bit mask [th, tw] with the baseline at row `asc`.
    var upright = [Float](repeating: 0, count: tw * th)
    var pen = 0.0
    for s in text.unicodeScalars {
      let g = face.glyph(s, pixelSize: size)
      let ox = Int(pen.rounded()) + g.left
      let oy = asc - g.top
      for r in 0..<g.rows {
        let y = oy + r
        if y < 0 || y >= th { continue }
        for c in 0..<g.width {
          let x = ox + c
          if x < 0 || x >= tw { continue }
          let v = Float(g.bitmap[r * g.width + c]) * (1 / 255)
          if v > upright[y * tw + x] { upright[y * tw + x] = v }
        }
      }
      pen += g.advance
    }
    let bw = rotated ? th : tw
    let bh = rotated ? tw : th
    let left: Double
    switch align {
    case .left: left = at.x
    case .center: left = at.x - Double(bw) / 2
    case .right: left = at.x - Double(bw)
    }
    let top: Double
    switch valign {
    case .top: top = at.y
    case .center: top = at.y - Double(bh) / 2
    case .baseline: top = rotated ? at.y - Double(bh) : at.y - Double(asc)
    case .bottom: top = at.y - Double(bh)
    }
    let x0 = Int(left.rounded())
    let y0 = Int(top.rounded())
    var mask = CoverageMask(box: PixelBox(x0: x0, y0: y0, x1: x0 + bw, y1: y0 + bh))
    if rotated {
      for my in 0..<th {
        for mx in 0..<tw {
          mask.values[(tw - 1 - mx) * bw + my] = upright[my * tw + mx]
        }
      }
    } else {
      mask.values = upright
    }
    composite(mask, color: color)
    return Rect(x: Double(x0), y: Double(y0), width: Double(bw), height: Double(bh))
  }
}
