import Foundation

/// Maps data values on one axis to pixel positions.
struct AxisMap {
  var lo: Double
  var hi: Double
  var scale: AxisScale

  func t(_ v: Double) -> Double { scale == .log ? (v > 0 ? log10(v) : -.infinity) : v }

  /// Fraction 0…1 along the axis (outside for values beyond the limits).
  func fraction(_ v: Double) -> Double { (t(v) - t(lo)) / (t(hi) - t(lo)) }

  /// Autoscaled (or fixed) limits for `values`, with 5 % margins like matplotlib.
  static func fit(_ values: [Double], scale: AxisScale, fixed: ClosedRange<Double>?) -> AxisMap {
    if let f = fixed { return AxisMap(lo: f.lowerBound, hi: f.upperBound, scale: scale) }
    let v = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
    guard var a = v.min(), var b = v.max() else {
      return scale == .log
        ? AxisMap(lo: 1, hi: 10, scale: .log) : AxisMap(lo: 0, hi: 1, scale: .linear)
    }
    if scale == .log {
      if a == b { (a, b) = (a / 2, b * 2) }
      let (la, lb) = (log10(a), log10(b))
      let m = (lb - la) * 0.05
      return AxisMap(lo: pow(10, la - m), hi: pow(10, lb + m), scale: .log)
    }
    if a == b { (a, b) = (a - max(0.5, abs(a) * 0.1), b + max(0.5, abs(b) * 0.1)) }
    let m = (b - a) * 0.05
    return AxisMap(lo: a - m, hi: b + m, scale: .linear)
  }

  func ticks(maxIntervals: Int, integer: Bool = false) -> [Double] {
    scale == .log
      ? Ticks.log(lo, hi) : Ticks.linear(lo, hi, maxIntervals: maxIntervals, integer: integer)
  }

  func labels(_ ticks: [Double]) -> (labels: [TickLabel], offset: String?) {
    scale == .log ? (Ticks.logLabels(ticks), nil) : Ticks.labels(ticks)
  }
}

extension LinePlot {
  /// Draws the plot into `rect` of `figure` (several plots can share one figure); returns the
  /// data area (inside the spines).
  @discardableResult
  public func draw(on fig: Figure, in rect: Rect) -> Rect {
    let th = fig.theme
    let lineH = fig.measure("0").height
    let tickLen = th.px(3.5)
    let pad = th.px(3.5)
    let hasRight = series.contains { $0.axis == .right }
    let xs = series.flatMap { Array($0.x.prefix($0.y.count)) } + verticalLines.map(\.x)
    let xMap = AxisMap.fit(xs, scale: xScale, fixed: xLimits)
    func ys(_ side: YAxisSide) -> [Double] {
      series.filter { $0.axis == side }.flatMap { Array($0.y.prefix($0.x.count)) }
    }
    let yMap = AxisMap.fit(ys(.left), scale: yScale, fixed: yLimits)
    let y2Map = AxisMap.fit(ys(.right), scale: y2Scale, fixed: y2Limits)

    // Ticks depend on the axis length; estimate it from the rect first.
    let estH = rect.height - (title == nil ? 20 : 45) - 50
    let estW = rect.width - 90 - (hasRight ? 70 : 20)
    let yTicks = yMap.ticks(maxIntervals: max(2, Int(estH / 45)))
    let (yLabels, yOffset) = yMap.labels(yTicks)
    let y2Ticks = hasRight ? y2Map.ticks(maxIntervals: max(2, Int(estH / 45))) : []
    let (y2Labels, y2Offset) = y2Map.labels(y2Ticks)
    let xTicks = xMap.ticks(maxIntervals: max(2, Int(estW / 80)), integer: integerX)
    let (xLabels, xOffset) = xMap.labels(xTicks)

    let yLabW = yLabels.map { labelWidth($0, fig) }.max() ?? 0
    let y2LabW = y2Labels.map { labelWidth($0, fig) }.max() ?? 0
    let outer = th.px(5)
    var left = outer + yLabW + pad + tickLen
    if yLabel != nil { left += lineH + pad }
    var right =
      hasRight ? outer + y2LabW + pad + tickLen + (y2Label != nil ? lineH + pad : 0) : outer
    right = max(right, (xLabels.last.map { labelWidth($0, fig) } ?? 0) / 2 + 4)
    var bottom = outer + tickLen + pad + lineH
    if xLabel != nil { bottom += pad + lineH }
    var top = outer + th.px(4)
    if title != nil { top += fig.measure("Ag", size: th.titleSize).height + pad }
    if yOffset != nil || y2Offset != nil { top = max(top, outer + lineH + pad) }
    let entries = legendEntries(fig)
    var aboveRows: [[Int]] = []
    if legend == .above && !entries.isEmpty {
      aboveRows = flowRows(entries, fig, width: rect.width - left - right)
      top += Double(aboveRows.count) * legendRowHeight(fig) + pad
    }
    let area = Rect(
      x: (rect.x + left).rounded(), y: (rect.y + top).rounded(),
      width: max(10, rect.width - left - right).rounded(),
      height: max(10, rect.height - top - bottom).rounded())
    func xPos(_ v: Double) -> Double { area.x + xMap.fraction(v) * area.width }
    func yPos(_ v: Double, _ m: AxisMap) -> Double { area.maxY - m.fraction(v) * area.height }

    // Grid.
    if grid {
      for t in xTicks {
        fig.canvas.fill(
          Rect(x: xPos(t).rounded(.down), y: area.y, width: 1, height: area.height),
          color: th.gridColor)
      }
      for t in yTicks {
        fig.canvas.fill(
          Rect(x: area.x, y: yPos(t, yMap).rounded(.down), width: area.width, height: 1),
          color: th.gridColor)
      }
    }

    // Series, clipped to the data area.
    var pixelPoints: [Point] = []
    fig.canvas.clipRect = area
    for v in verticalLines {
      fig.canvas.drawLine(
        from: Point(xPos(v.x), area.y), to: Point(xPos(v.x), area.maxY), color: v.color,
        width: th.px(1),
        style: v.style)
    }
    for (i, s) in series.enumerated() {
      let color = s.color ?? Palette.series(i)
      let m = s.axis == .left ? yMap : y2Map
      var pts: [Point] = []
      for k in 0..<min(s.x.count, s.y.count) {
        let p = Point(xPos(s.x[k]), yPos(s.y[k], m))
        if p.x.isFinite && p.y.isFinite { pts.append(p) }
      }
      pixelPoints += s.showLine ? densify(pts, spacing: 4) : pts
      if s.showLine && pts.count > 1 {
        fig.canvas.strokePolyline(
          pts, color: color, width: th.px(s.lineWidth ?? th.lineWidth), style: s.style)
      }
      if let mk = s.marker {
        for p in pts {
          fig.canvas.drawMarker(
            mk, at: p, size: th.px(s.markerSize), fill: color, edge: .white, edgeWidth: 0.8)
        }
      }
    }
    fig.canvas.clipRect = nil

    // Spines (all four, just outside the data area) and outward ticks.
    fig.canvas.strokeRect(
      Rect(x: area.x - 1, y: area.y - 1, width: area.width + 2, height: area.height + 2),
      color: th.axisColor)
    let tl = tickLen.rounded()
    for (t, lab) in zip(xTicks, xLabels) {
      let x = xPos(t).rounded(.down)
      fig.canvas.fill(Rect(x: x, y: area.maxY + 1, width: 1, height: tl), color: th.axisColor)
      drawLabel(
        lab, fig, at: Point(x + 0.5, area.maxY + 1 + tl + pad), align: .center, valign: .top)
    }
    for (t, lab) in zip(yTicks, yLabels) {
      let y = yPos(t, yMap).rounded(.down)
      fig.canvas.fill(Rect(x: area.x - 1 - tl, y: y, width: tl, height: 1), color: th.axisColor)
      drawLabel(lab, fig, at: Point(area.x - 1 - tl - pad, y + 0.5), align: .right, valign: .center)
    }
    for (t, lab) in zip(y2Ticks, y2Labels) {
      let y = yPos(t, y2Map).rounded(.down)
      fig.canvas.fill(Rect(x: area.maxX + 1, y: y, width: tl, height: 1), color: th.axisColor)
      drawLabel(
        lab, fig, at: Point(area.maxX + 1 + tl + pad, y + 0.5), align: .left, valign: .center)
    }
    if let o = yOffset { fig.text(o, at: Point(area.x, area.y - pad), valign: .bottom) }
    if let o = y2Offset {
      fig.text(o, at: Point(area.maxX, area.y - pad), align: .right, valign: .bottom)
    }
    if let o = xOffset {
      fig.text(o, at: Point(area.maxX, area.maxY + tl + pad + lineH), align: .right, valign: .top)
    }

    // Axis labels and title.
    if let xl = xLabel {
      fig.text(
        xl, at: Point(area.center.x, area.maxY + 1 + tl + 2 * pad + lineH), align: .center,
        valign: .top)
    }
    if let yl = yLabel {
      fig.text(
        yl, at: Point(area.x - 1 - tl - 2 * pad - yLabW, area.center.y), align: .right,
        valign: .center, rotated: true)
    }
    if hasRight, let yl = y2Label {
      fig.text(
        yl, at: Point(area.maxX + 1 + tl + 2 * pad + y2LabW, area.center.y), align: .left,
        valign: .center,
        rotated: true)
    }
    if let t = title {
      fig.text(
        t, at: Point(area.center.x, area.y - pad - 1), size: th.titleSize, align: .center,
        valign: .bottom)
    }
    if legend == .above {
      var y = area.y - pad - Double(aboveRows.count) * legendRowHeight(fig)
      if title != nil { y -= fig.measure("Ag", size: th.titleSize).height + pad }
      if yOffset != nil || y2Offset != nil { y -= lineH }
      for row in aboveRows {
        var x = area.x
        for i in row {
          x += drawEntry(entries[i], fig, x: x, centerY: y + legendRowHeight(fig) / 2) + th.px(14)
        }
        y += legendRowHeight(fig)
      }
    } else {
      drawLegend(fig, area: area, entries: entries, points: pixelPoints)
    }
    return area
  }

  /// One legend row: a line/marker sample and its label.
  struct LegendEntry {
    var label: String
    var color: Color
    var style: LineStyle
    var width: Double
    var marker: MarkerShape?
    var markerSize: Double = 5
    var line: Bool
  }

  func legendEntries(_ fig: Figure) -> [LegendEntry] {
    let th = fig.theme
    var entries: [LegendEntry] = []
    for (i, s) in series.enumerated() {
      if let l = s.label {
        entries.append(
          LegendEntry(
            label: l, color: s.color ?? Palette.series(i), style: s.style,
            width: th.px(s.lineWidth ?? th.lineWidth), marker: s.marker,
            markerSize: min(s.markerSize, 8), line: s.showLine))
      }
    }
    for v in verticalLines {
      if let l = v.label {
        entries.append(
          LegendEntry(
            label: l, color: v.color, style: v.style, width: th.px(1), marker: nil, line: true))
      }
    }
    return legend == .none ? [] : entries
  }

  private func legendRowHeight(_ fig: Figure) -> Double { fig.measure("Ag").height * 1.15 }

  private func entryWidth(_ e: LegendEntry, _ fig: Figure) -> Double {
    fig.theme.px(20) + fig.theme.px(6) + fig.measure(e.label).width
  }

  /// Greedy left-to-right rows of entry indices that fit in `width`.
  private func flowRows(_ entries: [LegendEntry], _ fig: Figure, width: Double) -> [[Int]] {
    var rows: [[Int]] = [[]]
    var x = 0.0
    for (i, e) in entries.enumerated() {
      let w = entryWidth(e, fig) + fig.theme.px(14)
      if x + w > width && !rows[rows.count - 1].isEmpty {
        rows.append([])
        x = 0
      }
      rows[rows.count - 1].append(i)
      x += w
    }
    return rows
  }

  /// Draws one entry starting at `x`; returns its width.
  @discardableResult
  private func drawEntry(_ e: LegendEntry, _ fig: Figure, x hx: Double, centerY cy: Double)
    -> Double
  {
    let th = fig.theme
    let handle = th.px(20)
    if e.line {
      fig.canvas.drawLine(
        from: Point(hx, cy), to: Point(hx + handle, cy), color: e.color, width: e.width,
        style: e.style)
    }
    if let mk = e.marker {
      fig.canvas.drawMarker(
        mk, at: Point(hx + handle / 2, cy), size: th.px(e.markerSize), fill: e.color, edge: .white,
        edgeWidth: 0.8)
    }
    fig.text(e.label, at: Point(hx + handle + th.px(6), cy), align: .left, valign: .center)
    return entryWidth(e, fig)
  }

  private func labelWidth(_ l: TickLabel, _ fig: Figure) -> Double {
    fig.measure(l.text).width
      + (l.superscript.map { fig.measure($0, size: fig.theme.fontSize * 0.7).width } ?? 0)
  }

  private func drawLabel(_ l: TickLabel, _ fig: Figure, at p: Point, align: HAlign, valign: VAlign)
  {
    guard let sup = l.superscript else {
      fig.text(l.text, at: p, align: align, valign: valign)
      return
    }
    let w = labelWidth(l, fig)
    let x0: Double = align == .left ? p.x : (align == .center ? p.x - w / 2 : p.x - w)
    let box = fig.text(l.text, at: Point(x0, p.y), align: .left, valign: valign)
    let mainW = fig.measure(l.text).width
    fig.text(
      sup, at: Point(x0 + mainW, box.y + box.height * 0.1), size: fig.theme.fontSize * 0.7,
      valign: .top)
  }

  /// Draws the legend box in the chosen (or least crowded) corner inside the axes.
  private func drawLegend(_ fig: Figure, area: Rect, entries: [LegendEntry], points: [Point]) {
    let th = fig.theme
    guard legend != .none, !entries.isEmpty else { return }
    let rowH = legendRowHeight(fig)
    let handle = th.px(20)
    let gap = th.px(6)
    let padIn = th.px(4)
    let textW = entries.map { fig.measure($0.label).width }.max() ?? 0
    let w = (padIn * 2 + handle + gap + textW).rounded(.up)
    let h = (padIn * 2 + rowH * Double(entries.count)).rounded(.up)
    let m = th.px(5)
    let corners: [(LegendLocation, Rect)] = [
      (.upperRight, Rect(x: area.maxX - m - w, y: area.y + m, width: w, height: h)),
      (.upperLeft, Rect(x: area.x + m, y: area.y + m, width: w, height: h)),
      (.lowerLeft, Rect(x: area.x + m, y: area.maxY - m - h, width: w, height: h)),
      (.lowerRight, Rect(x: area.maxX - m - w, y: area.maxY - m - h, width: w, height: h)),
    ]
    var box = corners[0].1
    if legend == .best {
      var best = Int.max
      for (_, r) in corners {
        let n = points.filter { r.contains($0) }.count
        if n < best {
          best = n
          box = r
        }
      }
    } else if let c = corners.first(where: { $0.0 == legend }) {
      box = c.1
    }
    box.x = box.x.rounded()
    box.y = box.y.rounded()
    fig.canvas.fill(box, color: Color.white.withAlpha(0.85))
    fig.canvas.strokeRect(box, color: th.legendEdge)
    for (k, e) in entries.enumerated() {
      drawEntry(e, fig, x: box.x + padIn, centerY: box.y + padIn + rowH * (Double(k) + 0.5))
    }
  }
}

/// The polyline resampled so consecutive points are at most `spacing` pixels apart (for legend
/// placement, which counts covered points).
func densify(_ pts: [Point], spacing: Double) -> [Point] {
  guard pts.count > 1 else { return pts }
  var out: [Point] = [pts[0]]
  for i in 1..<pts.count {
    let a = pts[i - 1]
    let b = pts[i]
    let d = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
    let n = min(1000, Int(d / spacing))
    if n > 0 {
      for k in 1...n {
        let t = Double(k) / Double(n + 1)
        out.append(Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t))
      }
    }
    out.append(b)
  }
  return out
}
