/// A point in canvas pixel coordinates: x to the right, y down, (0, 0) the top-left pixel's corner.
public struct Point: Equatable, Sendable {
  /// Horizontal position in pixels.
  public var x: Double
  /// Vertical position in pixels (down).
  public var y: Double

  /// Creates a point.
  public init(_ x: Double, _ y: Double) {
    self.x = x
    self.y = y
  }
}

/// An axis-aligned rectangle in canvas pixel coordinates.
public struct Rect: Equatable, Sendable {
  /// Left edge.
  public var x: Double
  /// Top edge.
  public var y: Double
  /// Width (non-negative).
  public var width: Double
  /// Height (non-negative).
  public var height: Double

  /// Creates a rectangle from its top-left corner and size.
  public init(x: Double, y: Double, width: Double, height: Double) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  /// Right edge.
  public var maxX: Double { x + width }
  /// Bottom edge.
  public var maxY: Double { y + height }
  /// Centre point.
  public var center: Point { Point(x + width / 2, y + height / 2) }

  /// The rectangle shrunk by the given margins.
  public func inset(left: Double = 0, top: Double = 0, right: Double = 0, bottom: Double = 0)
    -> Rect
  {
    Rect(
      x: x + left, y: y + top, width: max(0, width - left - right),
      height: max(0, height - top - bottom))
  }

  /// Whether `p` lies inside (edges included).
  public func contains(_ p: Point) -> Bool {
    p.x >= x && p.x <= maxX && p.y >= y && p.y <= maxY
  }

  /// Whether the two rectangles overlap.
  public func intersects(_ o: Rect) -> Bool {
    x < o.maxX && o.x < maxX && y < o.maxY && o.y < maxY
  }
}

/// An integer pixel box [x0, x1) × [y0, y1), used for clipping and masks.
struct PixelBox: Equatable {
  var x0: Int
  var y0: Int
  var x1: Int
  var y1: Int

  var isEmpty: Bool { x1 <= x0 || y1 <= y0 }
  var width: Int { max(0, x1 - x0) }
  var height: Int { max(0, y1 - y0) }

  /// The pixels touched by `rect`, expanded by `pad` pixels.
  init(covering rect: Rect, pad: Double = 0) {
    x0 = Int((rect.x - pad).rounded(.down))
    y0 = Int((rect.y - pad).rounded(.down))
    x1 = Int((rect.maxX + pad).rounded(.up))
    y1 = Int((rect.maxY + pad).rounded(.up))
  }

  init(x0: Int, y0: Int, x1: Int, y1: Int) {
    self.x0 = x0
    self.y0 = y0
    self.x1 = x1
    self.y1 = y1
  }

  func intersection(_ o: PixelBox) -> PixelBox {
    PixelBox(x0: max(x0, o.x0), y0: max(y0, o.y0), x1: min(x1, o.x1), y1: min(y1, o.y1))
  }
}

/// The bounding rectangle of `points` (zero-size at the origin when empty).
func boundingRect(_ points: [Point]) -> Rect {
  guard let first = points.first else { return Rect(x: 0, y: 0, width: 0, height: 0) }
  var lo = first
  var hi = first
  for p in points {
    lo.x = min(lo.x, p.x)
    lo.y = min(lo.y, p.y)
    hi.x = max(hi.x, p.x)
    hi.y = max(hi.y, p.y)
  }
  return Rect(x: lo.x, y: lo.y, width: hi.x - lo.x, height: hi.y - lo.y)
}
