/// How a stroked line is broken up.
public enum LineStyle: Equatable, Sendable {
  /// Continuous.
  case solid
  /// Dashes of 3.7 × and gaps of 1.6 × the line width (matplotlib's `--`).
  case dashed
  /// Round dots one line width wide, spaced 1.65 × the width apart (matplotlib's `:`).
  case dotted
  /// Alternating dash and dot (matplotlib's `-.`).
  case dashDot
  /// A custom on/off pattern in pixels.
  case pattern([Double])

  /// The on/off lengths in pixels for a line of `width`, nil when solid.
  func dashes(width: Double) -> [Double]? {
    let w = max(width, 1)
    switch self {
    case .solid: return nil
    case .dashed: return [3.7 * w, 1.6 * w]
    case .dotted: return [0.01, 1.65 * w + w]
    case .dashDot: return [6.4 * w, 1.6 * w + w, 0.01, 1.6 * w + w]
    case .pattern(let p): return p.isEmpty ? nil : p
    }
  }

  /// Whether dashes are drawn with round ends (dots need them).
  var roundCaps: Bool {
    switch self {
    case .dotted, .dashDot: return true
    default: return false
    }
  }
}

extension Canvas {
  /// Strokes a straight anti-aliased line of any width (pixels).
  public mutating func drawLine(
    from a: Point, to b: Point, color: Color, width: Double = 1, style: LineStyle = .solid,
    roundCaps: Bool = false
  ) {
    strokePolyline([a, b], color: color, width: width, style: style, roundCaps: roundCaps)
  }

  /// Strokes an anti-aliased polyline with round joins; NaN points break the line into pieces.
  public mutating func strokePolyline(
    _ points: [Point], color: Color, width: Double = 1.5, style: LineStyle = .solid,
    roundCaps: Bool = true, closed: Bool = false
  ) {
    var pieces: [[Point]] = [[]]
    for p in points {
      if p.x.isFinite && p.y.isFinite {
        pieces[pieces.count - 1].append(p)
      } else if !pieces[pieces.count - 1].isEmpty {
        pieces.append([])
      }
    }
    if closed, pieces.count == 1, let first = pieces[0].first { pieces[0].append(first) }
    let finite = pieces.flatMap { $0 }
    guard !finite.isEmpty, color.a > 0 else { return }
    let box = PixelBox(covering: boundingRect(finite), pad: width / 2 + 2).intersection(drawableBox)
    if box.isEmpty { return }
    var mask = CoverageMask(box: box)
    let dashes = style.dashes(width: width)
    let caps = dashes == nil ? roundCaps : (style.roundCaps || roundCaps && style == .solid)
    for piece in pieces where !piece.isEmpty {
      let runs = dashes.map { dashRuns(piece, pattern: $0) } ?? [piece]
      for run in runs {
        if run.count == 1 {
          mask.addSegment(run[0], run[0], lineWidth: width, roundCaps: true)
        }
        for i in 0..<max(0, run.count - 1) {
          mask.addSegment(run[i], run[i + 1], lineWidth: width, roundCaps: caps || run.count > 2)
        }
      }
    }
    composite(mask, color: color)
  }
}

/// Splits a polyline into the "on" runs of a dash pattern measured along its arc length.
func dashRuns(_ pts: [Point], pattern: [Double]) -> [[Point]] {
  var runs: [[Point]] = []
  var idx = 0
  var left = pattern[0]
  var on = true
  var current: [Point] = [pts[0]]
  for i in 0..<(pts.count - 1) {
    var a = pts[i]
    let b = pts[i + 1]
    var segLeft = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
    while segLeft > left {
      let t = left / segLeft
      let m = Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
      if on {
        current.append(m)
        runs.append(current)
      }
      current = [m]
      segLeft -= left
      a = m
      on.toggle()
      idx = (idx + 1) % pattern.count
      left = pattern[idx]
    }
    left -= segLeft
    if on { current.append(b) } else { current = [b] }
  }
  if on && current.count >= 1 { runs.append(current) }
  return runs
}
