import Foundation
import Testing

@testable import Plot

@Suite struct TrainingCurvesTests {
  @Test func panelsFollowTheAvailableData() {
    let e = [0.0, 1, 2, 3]
    let lossOnly = TrainingCurves(epochs: e, trainLoss: [1, 0.8, 0.7, 0.6])
    #expect(lossOnly.panels().count == 1)
    let full = TrainingCurves(
      epochs: e, trainLoss: [1, 0.8, 0.7, 0.6], valLoss: [.nan, 0.9, .nan, 0.7],
      valDice: [.nan, 0.5, .nan, 0.7], seconds: [40, 41, 40, 39],
      learningRate: [1e-4, 9e-5, 8e-5, 7e-5])
    let panels = full.panels()
    #expect(panels.count == 3)
    let first = panels[0].plot
    #expect(first.series.filter { $0.axis == .right }.count == 2)  // raw Dice + moving average
    #expect(first.series.first { $0.label == "val Dice" }?.style == .dotted)
    #expect(first.y2Limits == 0...1)
    #expect(first.verticalLines.first?.label?.contains("@ epoch 3") == true)
    #expect(panels[1].plot.yLabel == "time [s]")
    #expect(panels[2].plot.yLabel == "learning rate")
  }

  @Test func rendersFromACSVFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "plot-curves-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let csv = dir.appendingPathComponent("metrics.csv").path
    let rows = (0..<20).map { "\($0),\(1.0 / Double($0 + 1)),,\(Double($0) / 20),30,1e-4" }
    try ("epoch,train_loss,val_loss,val_dice,seconds,lr\n" + rows.joined(separator: "\n"))
      .write(toFile: csv, atomically: true, encoding: .utf8)
    let png = dir.appendingPathComponent("curves.png").path
    try TrainingCurves(csvPath: csv, title: "run").write(to: png, width: 600, height: 700)
    let back = try PNG.read(path: png)
    #expect(back.width == 600 && back.height == 700)
    // The train-loss colour (C0) is present; so is the Dice green (C2).
    #expect(
      back.pixels.withUnsafeBufferPointer { p in
        stride(from: 0, to: p.count, by: 4).contains {
          Color(r: p[$0], g: p[$0 + 1], b: p[$0 + 2]) == Palette.tab10[0]
        }
      })
    #expect(
      back.pixels.withUnsafeBufferPointer { p in
        stride(from: 0, to: p.count, by: 4).contains {
          Color(r: p[$0], g: p[$0 + 1], b: p[$0 + 2]) == Palette.tab10[2]
        }
      })
  }

  @Test func emptyHistoryStillRenders() throws {
    let fig = try TrainingCurves(epochs: [], trainLoss: []).render(width: 300, height: 200)
    #expect(fig.width == 300 && fig.height == 200)
  }
}
