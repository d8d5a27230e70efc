import Foundation

/// nnU-Net's `progress.png` at a sane size: (1) train and validation loss on the left axis with
/// validation Dice on the right (raw dotted, moving average solid) against epoch, (2) seconds
/// per epoch, (3) learning rate. Panels without data are left out.
public struct TrainingCurves: Sendable {
  /// The per-epoch numbers.
  public var history: MetricsHistory
  /// Figure title (the run name).
  public var title: String?
  /// Per-epoch weight of the newest value in the Dice moving average (nnU-Net: 0.1).
  public var emaAlpha: Double = 0.1
  /// Mark the epoch with the best smoothed Dice.
  public var markBest = true
  /// Learning rate on a log axis.
  public var logLearningRate = false

  /// Creates the figure model from a history.
  public init(history: MetricsHistory, title: String? = nil) {
    self.history = history
    self.title = title
  }

  /// Creates the figure model from plain arrays (missing ones nil; NaN for epochs without a value).
  public init(
    epochs: [Double], trainLoss: [Double], valLoss: [Double]? = nil, valDice: [Double]? = nil,
    seconds: [Double]? = nil, learningRate: [Double]? = nil, title: String? = nil
  ) {
    self.init(
      history: MetricsHistory(
        epochs: epochs, trainLoss: trainLoss, valLoss: valLoss, valDice: valDice, seconds: seconds,
        learningRate: learningRate), title: title)
  }

  /// Creates the figure model from a `metrics.csv` file.
  public init(csvPath: String, title: String? = nil) throws {
    self.init(history: try MetricsHistory.read(csvPath: csvPath), title: title)
  }

  /// The panels as line plots, top to bottom, with their relative heights.
  public func panels() -> [(plot: LinePlot, weight: Double)] {
    let h = history
    let e = h.epochs
    let has = { (v: [Double]) in v.contains { $0.isFinite } }
    var out: [(LinePlot, Double)] = []
    var loss = LinePlot(title: nil, xLabel: "epoch", yLabel: "loss", y2Label: "validation Dice")
    loss.integerX = true
    loss.legend = .above
    if has(h.trainLoss) { loss.plot(e, h.trainLoss, label: "train loss", color: Palette.tab10[0]) }
    if has(h.valLoss) {
      loss.plot(
        e, h.valLoss, label: "val loss", color: Palette.tab10[1],
        marker: h.valLoss.filter(\.isFinite).count <= 60 ? .circle : nil)
    }
    if has(h.valDice) {
      let green = Palette.tab10[2]
      loss.plot(e, h.valDice, label: "val Dice", color: green, style: .dotted, axis: .right)
      let ema = exponentialMovingAverage(h.valDice, epochs: e, alpha: emaAlpha)
      loss.plot(e, ema, label: "val Dice (mov. avg.)", color: green, axis: .right)
      loss.y2Limits = 0...1
      // The raw best, as the trainer's best.pt (the moving average only guides the eye).
      let dice = h.valDice
      if markBest,
        let best = dice.indices.filter({ dice[$0].isFinite }).max(by: { dice[$0] < dice[$1] })
      {
        loss.verticalLines.append(
          VerticalLine(
            x: e[best], label: "best val Dice \(formatDice(dice[best])) @ epoch \(formatEpoch(e[best]))"))
      }
    }
    out.append((loss, 2))
    if has(h.seconds) {
      var p = LinePlot(xLabel: "epoch", yLabel: "time [s]")
      p.integerX = true
      p.plot(e, h.seconds, label: "epoch duration", color: Palette.tab10[0])
      let finite = h.seconds.filter(\.isFinite)
      p.yLimits = 0...((finite.max() ?? 1) * 1.1)
      out.append((p, 1))
    }
    if has(h.learningRate) {
      var p = LinePlot(xLabel: "epoch", yLabel: "learning rate")
      p.integerX = true
      p.yScale = logLearningRate ? .log : .linear
      p.plot(e, h.learningRate, label: "learning rate", color: Palette.tab10[0])
      out.append((p, 1))
    }
    return out
  }

  /// Renders all panels on one figure (default 800×1000 px, 8×10 in at 100 dpi).
  public func render(width: Int = 800, height: Int = 1000, theme: Theme = Theme()) throws -> Figure
  {
    let fig = try Figure(width: width, height: height, theme: theme)
    var y = 0.0
    if let t = title {
      let box = fig.text(
        t, at: Point(Double(width) / 2, theme.px(8)), size: theme.figureTitleSize, bold: true,
        align: .center, valign: .top)
      y = box.maxY + theme.px(2)
    }
    let ps = panels()
    let total = ps.map(\.weight).reduce(0, +)
    let avail = Double(height) - y
    for (p, w) in ps {
      let h = avail * w / total
      p.draw(on: fig, in: Rect(x: 0, y: y, width: Double(width), height: h))
      y += h
    }
    return fig
  }

  /// Renders and writes the PNG.
  public func write(to path: String, width: Int = 800, height: Int = 1000, theme: Theme = Theme())
    throws
  {
    try render(width: width, height: height, theme: theme).write(to: path)
  }
}

func formatDice(_ v: Double) -> String {
  String(format: "%.3f", v)
}

func formatEpoch(_ v: Double) -> String {
  v == v.rounded() ? String(Int(v)) : String(format: "%g", v)
}
