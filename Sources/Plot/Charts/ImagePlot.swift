import Foundation

/// A 2-D array shown as an image through a colormap with a colorbar (matplotlib `imshow` +
/// `colorbar`): probability maps, feature maps, raw slices.
///
/// values: [rows, cols] row-major, row 0 at the top.
public struct ImagePlot: Sendable {
  /// The values.
  public var values: [Float]
  /// Number of rows (image height in samples).
  public var rows: Int
  /// Number of columns (image width in samples).
  public var cols: Int
  /// Title above the image.
  public var title: String?
  /// Colormap (default viridis).
  public var colormap: Colormap = .viridis
  /// Value shown at the colormap's low end; nil uses the finite minimum.
  public var vmin: Double?
  /// Value shown at the colormap's high end; nil uses the finite maximum.
  public var vmax: Double?
  /// Height / width of one sample (e.g. slice thickness / pixel spacing).
  public var pixelAspect: Double = 1
  /// Draw a colorbar with ticks on the right.
  public var colorbar = true

  /// Creates a plot; throws when `values.count != rows * cols`.
  public init(values: [Float], rows: Int, cols: Int, title: String? = nil) throws {
    guard rows > 0, cols > 0, values.count == rows * cols else {
      throw PlotError(
        "image of \(rows)×\(cols) needs \(max(0, rows * cols)) values, got \(values.count)")
    }
    self.values = values
    self.rows = rows
    self.cols = cols
    self.title = title
  }

  /// The value range mapped onto the colormap.
  public var range: (lo: Double, hi: Double) {
    let finite = values.lazy.filter(\.isFinite).map(Double.init)
    var lo = vmin ?? finite.min() ?? 0
    var hi = vmax ?? finite.max() ?? 1
    if hi <= lo { (lo, hi) = (lo - 0.5, lo + 0.5) }
    return (lo, hi)
  }

  /// Draws into `rect` of `fig`; returns the image's box.
  @discardableResult
  public func draw(on fig: Figure, in rect: Rect) -> Rect {
    let th = fig.theme
    let pad = th.px(6)
    let (lo, hi) = range
    let ticks = Ticks.linear(lo, hi, maxIntervals: 5)
    let (labels, offset) = Ticks.labels(ticks)
    let labelW = labels.map { fig.measure($0.text).width }.max() ?? 0
    let barW = colorbar ? th.px(12) + pad * 2 + th.px(3.5) + labelW : 0
    let titleH = title == nil ? 0 : fig.measure("Ag", size: th.titleSize).height + pad
    let avail = rect.inset(left: pad, top: pad + titleH, right: pad + barW, bottom: pad)
    let physW = Double(cols)
    let physH = Double(rows) * pixelAspect
    let s = min(avail.width / physW, avail.height / physH)
    let w = max(1, Int((physW * s).rounded()))
    let h = max(1, Int((physH * s).rounded()))
    let x0 = Int((avail.x + (avail.width - Double(w)) / 2).rounded())
    let y0 = Int((avail.y + (avail.height - Double(h)) / 2).rounded())
    var rgb = [UInt8](repeating: 0, count: 3 * w * h)
    let inv = 1 / (hi - lo)
    for y in 0..<h {
      let r = min(rows - 1, Int((Double(y) + 0.5) * Double(rows) / Double(h)))
      for x in 0..<w {
        let c = min(cols - 1, Int((Double(x) + 0.5) * Double(cols) / Double(w)))
        let k = colormap.index((Double(values[r * cols + c]) - lo) * inv)
        for ch in 0..<3 { rgb[3 * (y * w + x) + ch] = colormap.table[3 * k + ch] }
      }
    }
    fig.canvas.blit(rgb: rgb, width: w, height: h, channels: 3, x: x0, y: y0)
    let box = Rect(x: Double(x0), y: Double(y0), width: Double(w), height: Double(h))
    if let t = title {
      fig.text(
        t, at: Point(box.center.x, box.y - pad), size: th.titleSize, align: .center,
        valign: .bottom)
    }
    if colorbar {
      let bar = Rect(
        x: box.maxX + pad * 2, y: box.y, width: th.px(12).rounded(), height: box.height)
      for y in 0..<Int(bar.height) {
        let t = 1 - (Double(y) + 0.5) / bar.height
        fig.canvas.fill(
          Rect(x: bar.x, y: bar.y + Double(y), width: bar.width, height: 1),
          color: colormap.color(at: t))
      }
      fig.canvas.strokeRect(bar, color: th.axisColor)
      let tl = th.px(3.5).rounded()
      for (v, lab) in zip(ticks, labels) {
        let y = (bar.maxY - (v - lo) * inv * bar.height).rounded(.down)
        fig.canvas.fill(Rect(x: bar.maxX, y: y, width: tl, height: 1), color: th.axisColor)
        fig.text(
          lab.text, at: Point(bar.maxX + tl + th.px(2), y + 0.5), align: .left, valign: .center)
      }
      if let o = offset { fig.text(o, at: Point(bar.x, bar.y - th.px(3)), valign: .bottom) }
    }
    return box
  }

  /// Renders on a new figure of `width`×`height` pixels.
  public func render(width: Int = 640, height: Int = 480, theme: Theme = Theme()) throws -> Figure {
    let fig = try Figure(width: width, height: height, theme: theme)
    draw(on: fig, in: Rect(x: 0, y: 0, width: Double(width), height: Double(height)))
    return fig
  }

  /// Renders and writes a PNG.
  public func write(
    to path: String, width: Int = 640, height: Int = 480, theme: Theme = Theme()
  ) throws {
    try render(width: width, height: height, theme: theme).write(to: path)
  }
}
