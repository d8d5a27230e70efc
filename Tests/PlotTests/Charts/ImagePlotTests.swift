import Testing

@testable import Plot

@Suite struct ImagePlotTests {
  @Test func cornersTakeTheColormapEnds() throws {
    // 2 × 3 ramp: top-left is the minimum, bottom-right the maximum.
    let p = try ImagePlot(values: [0, 1, 2, 3, 4, 5], rows: 2, cols: 3, title: "ramp")
    #expect(p.range == (0, 5))
    let fig = try Figure(width: 400, height: 300)
    let box = p.draw(on: fig, in: Rect(x: 0, y: 0, width: 400, height: 300))
    #expect(abs(box.width / box.height - 1.5) < 0.05)
    #expect(fig.canvas.pixel(x: Int(box.x) + 2, y: Int(box.y) + 2) == Colormap.viridis.color(at: 0))
    #expect(
      fig.canvas.pixel(x: Int(box.maxX) - 2, y: Int(box.maxY) - 2) == Colormap.viridis.color(at: 1))
    // The colorbar's top is the yellow high end, right of the image; its bottom the purple low end.
    let right = (Int(box.maxX) + 1)..<400
    #expect(
      right.contains { x in
        let c = fig.canvas.pixel(x: x, y: Int(box.y) + 3)
        return c.r > 220 && c.g > 200 && c.b < 80
      })
    #expect(
      right.contains { x in
        let c = fig.canvas.pixel(x: x, y: Int(box.maxY) - 3)
        return c.r < 90 && c.g < 30 && c.b > 70
      })
  }

  @Test func fixedRangeAspectAndBadSizes() throws {
    var p = try ImagePlot(values: [Float](repeating: 0.5, count: 4), rows: 2, cols: 2)
    p.vmin = 0
    p.vmax = 1
    p.pixelAspect = 2
    p.colormap = .gray
    let fig = try Figure(width: 300, height: 300)
    let box = p.draw(on: fig, in: Rect(x: 0, y: 0, width: 300, height: 300))
    #expect(abs(box.height / box.width - 2) < 0.05)
    #expect(abs(Int(fig.canvas.pixel(x: Int(box.center.x), y: Int(box.center.y)).r) - 128) <= 1)
    #expect(throws: PlotError.self) { try ImagePlot(values: [1, 2, 3], rows: 2, cols: 2) }
  }
}
