import Foundation

/// Which y axis a series is drawn against.
public enum YAxisSide: Sendable {
  /// The left (primary) axis.
  case left
  /// The right (secondary, matplotlib `twinx`) axis.
  case right
}

/// How an axis maps values to positions.
public enum AxisScale: Sendable {
  /// Linear.
  case linear
  /// Base-10 logarithmic (non-positive values are skipped).
  case log
}

/// Where the legend goes; `best` picks the corner covering the fewest data points.
public enum LegendLocation: Sendable {
  /// The corner that hides the least data.
  case best
  /// Top right inside the axes.
  case upperRight
  /// Top left inside the axes.
  case upperLeft
  /// Bottom left inside the axes.
  case lowerLeft
  /// Bottom right inside the axes.
  case lowerRight
  /// In rows above the axes, outside the data (for busy plots, as nnU-Net does).
  case above
  /// No legend.
  case none
}

/// One line (and/or markers) of a line plot; non-finite points are skipped and the line joins
/// the remaining ones (validation every N epochs draws as one line).
public struct Series: Sendable {
  /// x values.
  public var x: [Double]
  /// y values (same count as x; extra values are ignored).
  public var y: [Double]
  /// Legend text; unlabelled series are left out of the legend.
  public var label: String?
  /// Line and marker colour; nil takes the next tab10 colour.
  public var color: Color?
  /// Dash pattern.
  public var style: LineStyle
  /// Line width in points; nil uses the theme's.
  public var lineWidth: Double?
  /// Marker drawn at each point, if any.
  public var marker: MarkerShape?
  /// Marker diameter in points.
  public var markerSize: Double
  /// Whether to draw the connecting line (false: markers only, a scatter).
  public var showLine: Bool
  /// The y axis this series belongs to.
  public var axis: YAxisSide

  /// Creates a series.
  public init(
    x: [Double], y: [Double], label: String? = nil, color: Color? = nil, style: LineStyle = .solid,
    lineWidth: Double? = nil, marker: MarkerShape? = nil, markerSize: Double = 5,
    showLine: Bool = true, axis: YAxisSide = .left
  ) {
    self.x = x
    self.y = y
    self.label = label
    self.color = color
    self.style = style
    self.lineWidth = lineWidth
    self.marker = marker
    self.markerSize = markerSize
    self.showLine = showLine
    self.axis = axis
  }
}

/// A vertical reference line across the axes (e.g. the best epoch).
public struct VerticalLine: Sendable {
  /// Position on the x axis.
  public var x: Double
  /// Line colour.
  public var color: Color
  /// Dash pattern.
  public var style: LineStyle
  /// Legend text, if any.
  public var label: String?

  /// Creates a vertical line.
  public init(
    x: Double, color: Color = Color(hex: 0x7f7f7f), style: LineStyle = .dashed, label: String? = nil
  ) {
    self.x = x
    self.color = color
    self.style = style
    self.label = label
  }
}

/// A matplotlib-style line chart: title, axis labels, 1-2-5 ticks, grid, legend, several
/// series, optional right y axis and log scales. Draws only through `Figure`/`Canvas`.
public struct LinePlot: Sendable {
  /// Title above the axes.
  public var title: String?
  /// x-axis label.
  public var xLabel: String?
  /// Left y-axis label.
  public var yLabel: String?
  /// Right y-axis label (shown when a series uses the right axis).
  public var y2Label: String?
  /// The series, drawn in order.
  public var series: [Series] = []
  /// Vertical reference lines.
  public var verticalLines: [VerticalLine] = []
  /// x scale.
  public var xScale: AxisScale = .linear
  /// Left y scale.
  public var yScale: AxisScale = .linear
  /// Right y scale.
  public var y2Scale: AxisScale = .linear
  /// Fixed x range; nil autoscales with 5 % margins.
  public var xLimits: ClosedRange<Double>?
  /// Fixed left y range.
  public var yLimits: ClosedRange<Double>?
  /// Fixed right y range.
  public var y2Limits: ClosedRange<Double>?
  /// Only whole-number x ticks (epochs).
  public var integerX = false
  /// Light grid lines at the x and left-y ticks.
  public var grid = true
  /// Legend placement.
  public var legend: LegendLocation = .best

  /// Creates an empty plot.
  public init(
    title: String? = nil, xLabel: String? = nil, yLabel: String? = nil, y2Label: String? = nil
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.y2Label = y2Label
  }

  /// Appends a series (see `Series` for the options).
  public mutating func plot(
    _ x: [Double], _ y: [Double], label: String? = nil, color: Color? = nil,
    style: LineStyle = .solid, lineWidth: Double? = nil, marker: MarkerShape? = nil,
    showLine: Bool = true, axis: YAxisSide = .left
  ) {
    series.append(
      Series(
        x: x, y: y, label: label, color: color, style: style, lineWidth: lineWidth, marker: marker,
        showLine: showLine, axis: axis))
  }

  /// Renders the plot on a new figure of `width`×`height` pixels.
  public func render(width: Int = 640, height: Int = 480, theme: Theme = Theme()) throws -> Figure {
    let fig = try Figure(width: width, height: height, theme: theme)
    draw(on: fig, in: Rect(x: 0, y: 0, width: Double(width), height: Double(height)))
    return fig
  }

  /// Renders and writes a PNG file.
  public func write(to path: String, width: Int = 640, height: Int = 480, theme: Theme = Theme())
    throws
  {
    try render(width: width, height: height, theme: theme).write(to: path)
  }
}

/// The trailing moving average over `window` finite values (NaNs are skipped and stay NaN).
public func movingAverage(_ values: [Double], window: Int) -> [Double] {
  let w = max(1, window)
  var out = [Double](repeating: .nan, count: values.count)
  var recent: [Double] = []
  var sum = 0.0
  for (i, v) in values.enumerated() where v.isFinite {
    recent.append(v)
    sum += v
    if recent.count > w { sum -= recent.removeFirst() }
    out[i] = sum / Double(recent.count)
  }
  return out
}

/// The exponential moving average `prev·(1−alpha) + new·alpha` (nnU-Net uses alpha 0.1);
/// NaNs are skipped and stay NaN.
public func exponentialMovingAverage(_ values: [Double], alpha: Double = 0.1) -> [Double] {
  var out = [Double](repeating: .nan, count: values.count)
  var prev: Double? = nil
  for (i, v) in values.enumerated() where v.isFinite {
    let e = prev.map { $0 * (1 - alpha) + v * alpha } ?? v
    out[i] = e
    prev = e
  }
  return out
}

/// An exponential moving average over irregularly spaced epochs: a gap of k epochs since the
/// previous finite value decays the average as k single-epoch steps, `w = 1 − (1 − alpha)^k`.
public func exponentialMovingAverage(_ values: [Double], epochs: [Double], alpha: Double = 0.1)
  -> [Double]
{
  var out = [Double](repeating: .nan, count: values.count)
  var prev: (value: Double, epoch: Double)? = nil
  for i in values.indices where values[i].isFinite {
    let e = i < epochs.count ? epochs[i] : Double(i)
    var v = values[i]
    if let p = prev {
      let w = 1 - pow(1 - alpha, max(1, e - p.epoch))
      v = p.value * (1 - w) + v * w
    }
    out[i] = v
    prev = (v, e)
  }
  return out
}
