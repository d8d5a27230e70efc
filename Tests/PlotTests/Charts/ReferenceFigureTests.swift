import Foundation
import Testing

@testable import Plot

/// Renders the README's reference figures from synthetic numbers. They go to a temporary folder;
/// set `PLOT_REFERENCE_DIR=docs/figures` to refresh the committed copies.
@Suite struct ReferenceFigureTests {
  /// One scratch folder per test process (the figures are looked at, not compared).
  private static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
    "plot-ref-\(UUID().uuidString)")

  private func outputDir() throws -> String {
    if let d = ProcessInfo.processInfo.environment["PLOT_REFERENCE_DIR"] { return d }
    let d = Self.scratch
    try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d.path
  }

  /// Deterministic noise in −0.5…0.5.
  private struct Noise {
    var state: UInt64
    mutating func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53) - 0.5
    }
  }

  @Test func curvesFigure() throws {
    let n = 120
    let e = (0..<n).map(Double.init)
    var r = Noise(state: 42)
    let tr = e.map { 0.9 * exp(-$0 / 30) + 0.25 + 0.03 * r.next() }
    let vl = e.map { Int($0) % 5 == 4 ? 0.95 * exp(-$0 / 35) + 0.3 + 0.05 * r.next() : .nan }
    let vd = e.map { Int($0) % 5 == 4 ? 0.85 * (1 - exp(-$0 / 25)) + 0.08 * r.next() : .nan }
    let sec = e.map { 41 + 3 * r.next() + ($0 == 0 ? 12 : 0) }
    let lr = e.map { 1e-4 * pow(1 - $0 / Double(n), 0.9) }
    let curves = TrainingCurves(
      epochs: e, trainLoss: tr, valLoss: vl, valDice: vd, seconds: sec, learningRate: lr,
      title: "spleen_ct_finetune (synthetic numbers)")
    let path = try outputDir() + "/curves.png"
    try curves.write(to: path)
    let back = try PNG.read(path: path)
    #expect(back.width == 800 && back.height == 1000)
  }

  @Test func overlayFigure() throws {
    let v = SyntheticVolume()
    var o = try SliceOverlay(
      image: v.image, shape: v.shape, spacing: v.spacing, label: v.label, prediction: v.prediction)
    o.title = "synthetic_01"
    o.dice = 0.874
    o.classNames = [1: "liver", 2: "spleen", 3: "kidney"]
    o.classDice = [1: 0.91, 2: 1.0, 3: 0]
    o.points = try PointPrompt.from(
      points: [[70, 50, 19], [30, 80, 19], [70, 48, 26]], labels: [1, 0, 1])
    let dir = try outputDir()
    try o.write(to: dir + "/overlay.png", panelSize: 300)
    var coronal = o
    coronal.plane = .coronal
    var sagittal = o
    sagittal.plane = .sagittal
    sagittal.slice = 70
    sagittal.style = .contour
    try SliceOverlay.writeGrid(
      [o, coronal, sagittal], to: dir + "/overlay_planes.png", panelSize: 220)
    let back = try PNG.read(path: dir + "/overlay.png")
    #expect(back.width == 4 * 300 + 5 * Int(Theme().px(8).rounded()))
  }

  @Test func threePanelSliceRendersQuickly() throws {
    // 512 × 512 × 4 volume, axial slice: image | label | prediction.
    let shape = [512, 512, 4]
    let n = shape.reduce(1, *)
    var img = [Float](repeating: 0, count: n)
    var lab = [Int32](repeating: 0, count: n)
    for i in 0..<n {
      img[i] = Float(i % 997) - 400
      if (i / 4) % 512 > 200 && (i / 4) % 512 < 300 { lab[i] = 1 }
    }
    var o = try SliceOverlay(image: img, shape: shape, label: lab, prediction: lab)
    o.panels = [.image, .label, .prediction]
    o.slice = 2
    let t0 = Date()
    let fig = try o.render(panelSize: 400)
    _ = try fig.pngData()
    let dt = Date().timeIntervalSince(t0)
    // Printed, not asserted: timings belong in benchmarks (a loaded CI machine must not fail this).
    print("3-panel 512x512 render + PNG encode: \(String(format: "%.3f", dt)) s")
    #expect(fig.width >= 3 * 400)  // three panels side by side
  }
}
