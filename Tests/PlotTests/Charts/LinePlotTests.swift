import Foundation
import Testing

@testable import Plot

@Suite struct LinePlotTests {
  private func isDark(_ c: Color) -> Bool { Int(c.r) + Int(c.g) + Int(c.b) < 300 }

  @Test func seriesLandWhereTheirValuesSay() throws {
    var p = LinePlot(title: "two levels", xLabel: "epoch", yLabel: "loss")
    p.xLimits = 0...10
    p.yLimits = 0...1
    p.legend = .none
    p.plot([0, 10], [0.25, 0.25], color: Palette.tab10[0])
    p.plot([0, 10], [0.75, 0.75], color: Palette.tab10[3])
    let fig = try Figure(width: 400, height: 300)
    let area = p.draw(on: fig, in: Rect(x: 0, y: 0, width: 400, height: 300))
    let x = Int(area.center.x)
    let yLow = Int(area.maxY - 0.25 * area.height)
    let yHigh = Int(area.maxY - 0.75 * area.height)
    #expect(fig.canvas.pixel(x: x, y: yLow) == Palette.tab10[0])
    #expect(fig.canvas.pixel(x: x, y: yHigh) == Palette.tab10[3])
    #expect(fig.canvas.pixel(x: x, y: Int(area.center.y)) != Palette.tab10[0])
    // Spines are dark just outside the data area, and the figure is white beyond.
    #expect(isDark(fig.canvas.pixel(x: x, y: Int(area.y) - 1)))
    #expect(fig.canvas.pixel(x: 399, y: 150) == .white)
  }

  @Test func titleTextIsAboveTheAxesAndNowhereElseInTheTopStrip() throws {
    var p = LinePlot(title: "validation")
    p.plot([0, 1, 2], [1, 2, 3])
    let fig = try Figure(width: 400, height: 300)
    let area = p.draw(on: fig, in: Rect(x: 0, y: 0, width: 400, height: 300))
    var inTitle = 0
    var elsewhere = 0
    for y in 0..<Int(area.y) - 2 {
      for x in 0..<400 where isDark(fig.canvas.pixel(x: x, y: y)) {
        if abs(Double(x) - area.center.x) < 60 { inTitle += 1 } else { elsewhere += 1 }
      }
    }
    #expect(inTitle > 40)
    #expect(elsewhere == 0)
  }

  @Test func rightAxisAndLegendAreDrawn() throws {
    var p = LinePlot(xLabel: "epoch", yLabel: "loss", y2Label: "Dice")
    p.plot([0, 1, 2], [3, 2, 1], label: "train")
    p.plot([0, 1, 2], [0.2, 0.5, 0.7], label: "Dice", style: .dotted, axis: .right)
    p.y2Limits = 0...1
    p.legend = .upperRight
    let fig = try Figure(width: 500, height: 300)
    let area = p.draw(on: fig, in: Rect(x: 0, y: 0, width: 500, height: 300))
    // Right tick labels put dark pixels right of the right spine.
    var right = 0
    for y in Int(area.y)..<Int(area.maxY) {
      for x in (Int(area.maxX) + 8)..<500 where isDark(fig.canvas.pixel(x: x, y: y)) { right += 1 }
    }
    #expect(right > 50)
    // The legend's frame is light grey inside the top-right corner.
    let frame = Theme().legendEdge
    var framePixels = 0
    for x in Int(area.center.x)..<Int(area.maxX)
    where fig.canvas.pixel(x: x, y: Int((area.y + Theme().px(5)).rounded())) == frame {
      framePixels += 1
    }
    #expect(framePixels > 20)
  }

  @Test func logScaleAndEmptyPlotsRender() throws {
    var p = LinePlot(yLabel: "learning rate")
    p.yScale = .log
    p.plot([0, 1, 2, 3], [1e-2, 1e-3, 1e-4, 0])  // zero is skipped on a log axis
    let fig = try p.render(width: 320, height: 240)
    #expect(fig.width == 320 && fig.height == 240)
    _ = try LinePlot().render(width: 200, height: 150)
  }

  @Test func movingAveragesSkipMissingValues() {
    let v = [1.0, .nan, 3, 5]
    let m = movingAverage(v, window: 2)
    #expect(m[0] == 1 && m[1].isNaN && m[2] == 2 && m[3] == 4)
    let e = exponentialMovingAverage([0, 10, .nan, 10], alpha: 0.5)
    #expect(e[1] == 5 && e[2].isNaN && e[3] == 7.5)
    // A gap of two epochs decays like two steps: 1 - 0.5^2 = 0.75 weight on the new value.
    let g = exponentialMovingAverage([0, .nan, 8], epochs: [0, 1, 2], alpha: 0.5)
    #expect(g[2] == 6)
  }
}
