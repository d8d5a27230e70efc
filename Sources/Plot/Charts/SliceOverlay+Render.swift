import Foundation

/// One slice resampled to display pixels: grey levels and class maps, [h, w] row-major.
struct DisplaySlice {
  var width: Int
  var height: Int
  /// Grey 0…255 after windowing and bilinear resampling.
  var gray: [UInt8]
  var label: [Int32]?
  var prediction: [Int32]?
  /// Display pixels per slice column / row.
  var scaleX: Double
  var scaleY: Double
}

extension SliceOverlay {
  /// Extracts slice `index`, windows it and resamples it to fit a `box`² square, honouring the
  /// pixel aspect from the spacing (labels nearest-neighbour, intensities bilinear).
  func displaySlice(box: Int) -> DisplaySlice {
    let o = orientation
    let (cols, rows, off) = o.sliceOffsets(plane, index: resolvedSlice)
    let geo = o.displaySize(plane)
    let physW = Double(cols) * geo.colSpacing
    let physH = Double(rows) * geo.rowSpacing
    let s = Double(box) / max(physW, physH)
    let w = max(1, Int((physW * s).rounded()))
    let h = max(1, Int((physH * s).rounded()))
    // Windowed slice, [rows, cols].
    var win = [Float](repeating: 0, count: rows * cols)
    let w0 = window
    image.withUnsafeBufferPointer { img in
      for i in 0..<(rows * cols) { win[i] = Float(w0.apply(Double(img[off[i]]))) }
    }
    // Source coordinates per output column / row.
    func coords(_ n: Int, _ src: Int) -> (i0: [Int], i1: [Int], f: [Float], nearest: [Int]) {
      var i0 = [Int](repeating: 0, count: n)
      var i1 = i0
      var f = [Float](repeating: 0, count: n)
      var near = i0
      for k in 0..<n {
        let u = (Double(k) + 0.5) * Double(src) / Double(n)
        let c = (u - 0.5).clamped(0, Double(src - 1))
        i0[k] = Int(c)
        i1[k] = min(i0[k] + 1, src - 1)
        f[k] = Float(c - Double(i0[k]))
        near[k] = min(src - 1, Int(u))
      }
      return (i0, i1, f, near)
    }
    let cx = coords(w, cols)
    let cy = coords(h, rows)
    var gray = [UInt8](repeating: 0, count: w * h)
    for y in 0..<h {
      let r0 = cy.i0[y] * cols
      let r1 = cy.i1[y] * cols
      let fy = cy.f[y]
      for x in 0..<w {
        let fx = cx.f[x]
        let a = win[r0 + cx.i0[x]] * (1 - fx) + win[r0 + cx.i1[x]] * fx
        let b = win[r1 + cx.i0[x]] * (1 - fx) + win[r1 + cx.i1[x]] * fx
        gray[y * w + x] = UInt8((a * (1 - fy) + b * fy) * 255 + 0.5)
      }
    }
    func resample(_ vol: [Int32]?) -> [Int32]? {
      guard let vol else { return nil }
      var out = [Int32](repeating: 0, count: w * h)
      for y in 0..<h {
        let r = cy.nearest[y] * cols
        for x in 0..<w { out[y * w + x] = vol[off[r + cx.nearest[x]]] }
      }
      return out
    }
    return DisplaySlice(
      width: w, height: h, gray: gray, label: resample(label), prediction: resample(prediction),
      scaleX: Double(w) / Double(cols), scaleY: Double(h) / Double(rows))
  }

  /// RGB pixels of one panel, [h, w, 3].
  func panelPixels(_ panel: SlicePanel, _ d: DisplaySlice) -> [UInt8] {
    let n = d.width * d.height
    var rgb = [UInt8](repeating: 0, count: 3 * n)
    for i in 0..<n {
      rgb[3 * i] = d.gray[i]
      rgb[3 * i + 1] = d.gray[i]
      rgb[3 * i + 2] = d.gray[i]
    }
    switch panel {
    case .image: break
    case .label:
      if let l = d.label { paint(&rgb, l, d, style: style) }
    case .prediction:
      if let p = d.prediction { paint(&rgb, p, d, style: style) }
    case .overlay:
      if let p = d.prediction { paint(&rgb, p, d, style: .fill) }
      if let l = d.label { paint(&rgb, l, d, style: .contour) }
    case .errors:
      if let l = d.label, let p = d.prediction { paintErrors(&rgb, label: l, prediction: p) }
    }
    return rgb
  }

  /// False-positive colour of the errors panel.
  static let falsePositive = Color(hex: 0xff4040)
  /// False-negative colour of the errors panel.
  static let falseNegative = Color(hex: 0x40a0ff)

  /// Marks pixels where the prediction differs from the label: predicted foreground of the
  /// wrong class is a false positive, missed label foreground a false negative.
  private func paintErrors(_ rgb: inout [UInt8], label: [Int32], prediction: [Int32]) {
    let a = 0.7
    for i in 0..<label.count where label[i] != prediction[i] {
      let c = prediction[i] > 0 ? SliceOverlay.falsePositive : SliceOverlay.falseNegative
      rgb[3 * i] = UInt8((Double(rgb[3 * i]) * (1 - a) + Double(c.r) * a).rounded())
      rgb[3 * i + 1] = UInt8((Double(rgb[3 * i + 1]) * (1 - a) + Double(c.g) * a).rounded())
      rgb[3 * i + 2] = UInt8((Double(rgb[3 * i + 2]) * (1 - a) + Double(c.b) * a).rounded())
    }
  }

  /// Blends class colours into `rgb`: filled at `alpha`, or opaque 2-px inner outlines.
  private func paint(_ rgb: inout [UInt8], _ map: [Int32], _ d: DisplaySlice, style: MaskStyle) {
    let (w, h) = (d.width, d.height)
    var colors: [Int32: Color] = [:]
    for y in 0..<h {
      for x in 0..<w {
        let i = y * w + x
        let k = map[i]
        if k <= 0 { continue }
        if style == .contour {
          var edge = false
          for dy in -1...1 where !edge {
            for dx in -1...1 {
              let (xx, yy) = (x + dx, y + dy)
              if xx < 0 || yy < 0 || xx >= w || yy >= h || map[yy * w + xx] != k {
                edge = true
                break
              }
            }
          }
          if !edge { continue }
        }
        let c: Color
        if let cached = colors[k] {
          c = cached
        } else {
          c = Palette.label(Int(k))
          colors[k] = c
        }
        let a = style == .fill ? alpha : 1
        rgb[3 * i] = UInt8((Double(rgb[3 * i]) * (1 - a) + Double(c.r) * a).rounded())
        rgb[3 * i + 1] = UInt8((Double(rgb[3 * i + 1]) * (1 - a) + Double(c.g) * a).rounded())
        rgb[3 * i + 2] = UInt8((Double(rgb[3 * i + 2]) * (1 - a) + Double(c.b) * a).rounded())
      }
    }
  }

  /// Panel title text.
  static func panelTitle(_ p: SlicePanel) -> String {
    switch p {
    case .image: return "image"
    case .label: return "label"
    case .prediction: return "prediction"
    case .overlay: return "prediction vs label (outline)"
    case .errors: return "errors"
    }
  }

  /// Draws the click prompts: stars on their own slice, hollow circles with the slice index when
  /// they lie on another slice.
  func drawPoints(_ fig: Figure, _ d: DisplaySlice, origin: Point) {
    let s = resolvedSlice
    let axis = ["x", "y", "z"][orientation.sliceAxis(plane)]
    let size = max(10, Double(max(d.width, d.height)) * 0.055)
    for p in points where p.voxel.count == 3 {
      let pos = orientation.displayPosition(voxel: p.voxel, plane: plane)
      let c = Point(
        origin.x + (Double(pos.col) + 0.5) * d.scaleX, origin.y + (Double(pos.row) + 0.5) * d.scaleY
      )
      let color = p.positive ? Color(hex: 0x2ca02c) : Color(hex: 0xd62728)
      if pos.slice == s {
        fig.canvas.drawMarker(
          .star, at: c, size: size * 1.4, fill: color, edge: .white, edgeWidth: 1.25)
      } else {
        fig.canvas.strokeCircle(center: c, radius: size * 0.35, color: .white, width: 3.5)
        fig.canvas.strokeCircle(center: c, radius: size * 0.35, color: color, width: 2)
        fig.text(
          "\(axis)=\(pos.slice)", at: Point(c.x + size * 0.5, c.y), size: fig.theme.fontSize * 0.8,
          color: .white, align: .left, valign: .center)
      }
    }
  }

  /// Lays out rows of panels with captions, then one legend of the classes shown.
  static func renderGrid(_ rows: [SliceOverlay], panelSize side: Int, theme th: Theme) throws
    -> Figure
  {
    // Resolve automatic slices once (each is a scan of the whole label volume).
    let rows = rows.map { r -> SliceOverlay in
      var c = r
      c.slice = r.resolvedSlice
      return c
    }
    let gap = Int(th.px(8).rounded())
    let maxPanels = rows.map(\.resolvedPanels.count).max() ?? 1
    let width = maxPanels * side + (maxPanels + 1) * gap
    // Measure text with a scratch figure that shares the real figure's fonts.
    let fonts = try FontSet(regularPath: th.fontPath, boldPath: th.boldFontPath)
    let probe = Figure(width: 1, height: 1, theme: th, fonts: fonts)
    let capH = Int(probe.measure("Ag", size: th.figureTitleSize, bold: true).height.rounded(.up))
    let titleH = Int(probe.measure("Ag").height.rounded(.up))
    let rowH = gap + capH + gap / 2 + titleH + 4 + side
    let displays = rows.map { $0.displaySlice(box: side) }
    var classes = Set<Int32>()
    for (r, d) in zip(rows, displays) {
      let shown = Set(r.resolvedPanels)
      if shown.contains(.label) || shown.contains(.overlay) {
        for k in d.label ?? [] where k > 0 { classes.insert(k) }
      }
      if shown.contains(.prediction) || shown.contains(.overlay) {
        for k in d.prediction ?? [] where k > 0 { classes.insert(k) }
      }
    }
    var entries: [(name: String, color: Color, marker: MarkerShape?)] = classes.sorted().map { k in
      let name = rows.lazy.compactMap { $0.classNames[Int(k)] }.first ?? "class \(k)"
      let dice =
        rows.count == 1
        ? rows[0].classDice[Int(k)].map { " " + String(format: "%.3f", $0) } ?? "" : ""
      return (name + dice, Palette.label(Int(k)), nil)
    }
    if rows.contains(where: { $0.points.contains(where: \.positive) }) {
      entries.append(("positive click", Color(hex: 0x2ca02c), .star))
    }
    if rows.contains(where: { $0.points.contains(where: { !$0.positive }) }) {
      entries.append(("negative click", Color(hex: 0xd62728), .star))
    }
    if rows.contains(where: { $0.resolvedPanels.contains(.errors) }) {
      entries.append(("false positive", SliceOverlay.falsePositive, nil))
      entries.append(("false negative", SliceOverlay.falseNegative, nil))
    }
    // Legend rows: greedy flow across the figure width.
    let sw = th.px(10)
    let entryGap = th.px(16)
    var legendRows: [[Int]] = entries.isEmpty ? [] : [[]]
    var x = 0.0
    for (i, e) in entries.enumerated() {
      let w = sw + th.px(5) + probe.measure(e.name).width + entryGap
      if x + w > Double(width - 2 * gap) && !legendRows[legendRows.count - 1].isEmpty {
        legendRows.append([])
        x = 0
      }
      legendRows[legendRows.count - 1].append(i)
      x += w
    }
    let legendRowH = Int((Double(titleH) * 1.4).rounded())
    let height =
      rows.count * rowH + gap + (legendRows.isEmpty ? 0 : legendRows.count * legendRowH + gap)
    let fig = Figure(width: width, height: height, theme: th, fonts: fonts)

    for (ri, (row, d)) in zip(rows, displays).enumerated() {
      let top = ri * rowH
      fig.text(
        row.caption, at: Point(Double(width) / 2, Double(top + gap)), size: th.figureTitleSize,
        bold: true,
        align: .center, valign: .top)
      let panels = row.resolvedPanels
      let rowW = panels.count * side + (panels.count - 1) * gap
      let left0 = (width - rowW) / 2
      let boxTop = top + gap + capH + gap / 2 + titleH + 4
      for (pi, panel) in panels.enumerated() {
        let bx = left0 + pi * (side + gap)
        let ox = bx + (side - d.width) / 2
        let oy = boxTop + (side - d.height) / 2
        fig.canvas.blit(
          rgb: row.panelPixels(panel, d), width: d.width, height: d.height, channels: 3, x: ox,
          y: oy)
        fig.text(
          panelTitle(panel), at: Point(Double(bx) + Double(side) / 2, Double(oy - 4)),
          align: .center,
          valign: .bottom)
        fig.canvas.clipRect = Rect(
          x: Double(ox), y: Double(oy), width: Double(d.width), height: Double(d.height))
        row.drawPoints(fig, d, origin: Point(Double(ox), Double(oy)))
        fig.canvas.clipRect = nil
      }
    }
    // Legend, centred rows of swatches.
    var ly = Double(rows.count * rowH + gap)
    for lr in legendRows {
      let widths = lr.map { sw + th.px(5) + probe.measure(entries[$0].name).width }
      let total = widths.reduce(0, +) + entryGap * Double(max(0, lr.count - 1))
      var lx = ((Double(width) - total) / 2).rounded()
      let cy = ly + Double(legendRowH) / 2
      for (k, i) in lr.enumerated() {
        let e = entries[i]
        if let m = e.marker {
          fig.canvas.drawMarker(
            m, at: Point(lx + sw / 2, cy), size: sw * 1.4, fill: e.color, edge: .white, edgeWidth: 1
          )
        } else {
          fig.canvas.fill(
            Rect(x: lx, y: (cy - sw / 2).rounded(), width: sw.rounded(), height: sw.rounded()),
            color: e.color)
        }
        fig.text(e.name, at: Point(lx + sw + th.px(5), cy), align: .left, valign: .center)
        lx += widths[k] + entryGap
      }
      ly += Double(legendRowH)
    }
    return fig
  }
}
