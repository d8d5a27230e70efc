import Foundation

/// A marker shape for data points and point prompts.
public enum MarkerShape: String, CaseIterable, Sendable {
  /// Filled disc (matplotlib `o`).
  case circle
  /// Filled square (`s`).
  case square
  /// Upward triangle (`^`).
  case triangle
  /// Diamond (`D`).
  case diamond
  /// Five-pointed star (`*`, SAM's click marker).
  case star
  /// Plus sign drawn as two strokes (`+`).
  case plus
  /// Diagonal cross drawn as two strokes (`x`).
  case cross
}

extension Canvas {
  /// Fills a polygon (even-odd rule) with anti-aliased edges; alpha respected.
  public mutating func fillPolygon(_ points: [Point], color: Color) {
    guard points.count >= 3, color.a > 0 else { return }
    let box = PixelBox(covering: boundingRect(points), pad: 1).intersection(drawableBox)
    if box.isEmpty { return }
    var mask = CoverageMask(box: box)
    mask.addPolygon(points)
    composite(mask, color: color)
  }

  /// Fills a disc of `radius` pixels around `center`.
  public mutating func fillCircle(center: Point, radius: Double, color: Color) {
    let box = PixelBox(
      covering: Rect(x: center.x, y: center.y, width: 0, height: 0), pad: radius + 1
    )
    .intersection(drawableBox)
    if box.isEmpty || color.a == 0 { return }
    var mask = CoverageMask(box: box)
    mask.addDisc(center: center, radius: radius)
    composite(mask, color: color)
  }

  /// Strokes a circle outline of `radius` with line `width`.
  public mutating func strokeCircle(center: Point, radius: Double, color: Color, width: Double = 1)
  {
    let box = PixelBox(
      covering: Rect(x: center.x, y: center.y, width: 0, height: 0), pad: radius + width / 2 + 1
    ).intersection(drawableBox)
    if box.isEmpty || color.a == 0 { return }
    var mask = CoverageMask(box: box)
    mask.addRing(center: center, radius: radius, lineWidth: width)
    composite(mask, color: color)
  }

  /// Strokes the outline of `rect` with crisp edges when `width` is a whole number of pixels.
  public mutating func strokeRect(_ rect: Rect, color: Color, width: Double = 1) {
    fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: width), color: color)
    fill(Rect(x: rect.x, y: rect.maxY - width, width: rect.width, height: width), color: color)
    fill(
      Rect(x: rect.x, y: rect.y + width, width: width, height: max(0, rect.height - 2 * width)),
      color: color)
    fill(
      Rect(
        x: rect.maxX - width, y: rect.y + width, width: width,
        height: max(0, rect.height - 2 * width)), color: color)
  }

  /// Draws a marker of diameter `size` pixels centred on `at`; `edge` outlines filled shapes.
  public mutating func drawMarker(
    _ shape: MarkerShape, at c: Point, size: Double, fill: Color, edge: Color? = nil,
    edgeWidth: Double = 1
  ) {
    let r = size / 2
    switch shape {
    case .circle:
      if let e = edge {
        fillCircle(center: c, radius: r + edgeWidth / 2, color: e)
        fillCircle(center: c, radius: max(0, r - edgeWidth / 2), color: fill)
      } else {
        fillCircle(center: c, radius: r, color: fill)
      }
    case .plus:
      if let e = edge {
        drawLine(from: Point(c.x - r, c.y), to: Point(c.x + r, c.y), color: e, width: edgeWidth + 2)
        drawLine(from: Point(c.x, c.y - r), to: Point(c.x, c.y + r), color: e, width: edgeWidth + 2)
      }
      let w = max(1.5, size / 5)
      strokePolyline(
        [Point(c.x - r, c.y), Point(c.x + r, c.y)], color: fill, width: w, roundCaps: false)
      strokePolyline(
        [Point(c.x, c.y - r), Point(c.x, c.y + r)], color: fill, width: w, roundCaps: false)
    case .cross:
      let d = r * 0.8
      let w = max(1.5, size / 5)
      if let e = edge {
        drawLine(from: Point(c.x - d, c.y - d), to: Point(c.x + d, c.y + d), color: e, width: w + 2)
        drawLine(from: Point(c.x - d, c.y + d), to: Point(c.x + d, c.y - d), color: e, width: w + 2)
      }
      drawLine(from: Point(c.x - d, c.y - d), to: Point(c.x + d, c.y + d), color: fill, width: w)
      drawLine(from: Point(c.x - d, c.y + d), to: Point(c.x + d, c.y - d), color: fill, width: w)
    default:
      let poly = markerPolygon(shape, center: c, radius: r)
      fillPolygon(poly, color: fill)
      if let e = edge {
        strokePolyline(poly, color: e, width: edgeWidth, roundCaps: true, closed: true)
      }
    }
  }
}

/// The outline of a polygonal marker of circumradius `radius`.
func markerPolygon(_ shape: MarkerShape, center c: Point, radius r: Double) -> [Point] {
  switch shape {
  case .square:
    let h = r * 0.85
    return [
      Point(c.x - h, c.y - h), Point(c.x + h, c.y - h), Point(c.x + h, c.y + h),
      Point(c.x - h, c.y + h),
    ]
  case .triangle:
    return (0..<3).map { k in
      let t = -Double.pi / 2 + Double(k) * 2 * Double.pi / 3
      return Point(c.x + r * cos(t), c.y + r * 0.15 + r * sin(t))
    }
  case .diamond:
    return [
      Point(c.x, c.y - r), Point(c.x + r * 0.75, c.y), Point(c.x, c.y + r),
      Point(c.x - r * 0.75, c.y),
    ]
  case .star:
    return (0..<10).map { k in
      let t = -Double.pi / 2 + Double(k) * Double.pi / 5
      let rr = k % 2 == 0 ? r : r * 0.4
      return Point(c.x + rr * cos(t), c.y + rr * sin(t))
    }
  default:
    return (0..<24).map { k in
      let t = Double(k) * 2 * Double.pi / 24
      return Point(c.x + r * cos(t), c.y + r * sin(t))
    }
  }
}
