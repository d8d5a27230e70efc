import Foundation
import Testing
import Plot

@Suite struct ScratchTests {
  @Test func scratch() throws {
    let v = SyntheticVolume()
    var o = try SliceOverlay(image: v.image, shape: v.shape, spacing: v.spacing, label: v.label, prediction: v.prediction)
    o.title = "synthetic_01"
    o.dice = 0.874
    o.classNames = [1: "liver", 2: "spleen", 3: "kidney"]
    o.classDice = [1: 0.91, 2: 1.0, 3: 0]
    o.points = try PointPrompt.from(points: [[70, 50, 20], [30, 80, 20], [70, 48, 26]], labels: [1, 0, 1])
    try o.write(to: "/tmp/overlay.png")
    var c = o
    c.plane = .coronal
    var s = o
    s.plane = .sagittal
    s.slice = 70
    s.style = .contour
    try SliceOverlay.writeGrid([o, c, s], to: "/tmp/grid.png", panelSize: 240)
  }
}
