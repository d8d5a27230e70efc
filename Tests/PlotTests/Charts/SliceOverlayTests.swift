import Foundation
import Testing

@testable import Plot

@Suite struct SliceOverlayTests {
  private let shape = [20, 16, 6]
  private var count: Int { shape.reduce(1, *) }
  private func index(_ x: Int, _ y: Int, _ z: Int) -> Int { (x * shape[1] + y) * shape[2] + z }

  @Test func defaultPanelsFollowTheInputs() throws {
    let img = [Float](repeating: 0, count: count)
    let lab = [Int32](repeating: 0, count: count)
    #expect(try SliceOverlay(image: img, shape: shape).resolvedPanels == [.image])
    #expect(
      try SliceOverlay(image: img, shape: shape, label: lab).resolvedPanels == [.image, .label])
    #expect(
      try SliceOverlay(image: img, shape: shape, label: lab, prediction: lab).resolvedPanels
        == [.image, .label, .prediction, .overlay])
  }

  @Test func sizeMismatchIsAnError() {
    #expect(throws: PlotError.self) { try SliceOverlay(image: [0, 1], shape: shape) }
    #expect(throws: PlotError.self) {
      try SliceOverlay(image: [Float](repeating: 0, count: count), shape: shape, label: [1])
    }
  }

  @Test func autoSliceHasTheLargestLabelAreaAndTheCaptionSaysSo() throws {
    var lab = [Int32](repeating: 0, count: count)
    for x in 2..<8 { for y in 2..<8 { lab[index(x, y, 4)] = 1 } }
    lab[index(1, 1, 1)] = 1
    var o = try SliceOverlay(image: [Float](repeating: 0, count: count), shape: shape, label: lab)
    #expect(o.resolvedSlice == 4)
    o.title = "case_7"
    o.dice = 0.9
    #expect(o.caption == "case_7 · axial z=4/5 · Dice 0.900")
    o.slice = 99
    #expect(o.resolvedSlice == 5)
  }

  @Test func renderedPatientRightIsOnTheImageLeft() throws {
    // A bright block on the patient's right (high x in RAS), everything else air.
    var img = [Float](repeating: -1000, count: count)
    for x in 15..<20 { for y in 0..<16 { for z in 0..<6 { img[index(x, y, z)] = 1000 } } }
    let o = try SliceOverlay(image: img, shape: shape)
    let fig = try o.render(panelSize: 100)
    let png = try PNG.decode(try fig.pngData())
    var leftBright = 0
    var rightBright = 0
    for y in 0..<png.height {
      for x in 0..<png.width where png.pixel(x: x, y: y) == .white {
        // Count only pixels inside the (single) image panel: the figure is 1 panel wide.
        if x < png.width / 2 { leftBright += 1 } else { rightBright += 1 }
      }
    }
    // The white figure background is symmetric; the block adds white on the left only.
    #expect(leftBright > rightBright + 500)
  }

  @Test func anisotropicSpacingSetsThePixelAspect() throws {
    let img = [Float](repeating: 0, count: 20 * 20 * 10)
    var o = try SliceOverlay(image: img, shape: [20, 20, 10], spacing: [1, 1, 4])
    o.plane = .coronal
    let d = o.displaySlice(box: 100)
    // 20 columns × 1 mm wide, 10 rows × 4 mm tall: twice as tall as wide.
    #expect(d.height == 100 && d.width == 50)
    o.plane = .axial
    let a = o.displaySlice(box: 100)
    #expect(a.width == 100 && a.height == 100)
  }

  @Test func labelsArePaintedInClassColoursAndContoursAreThinner() throws {
    var lab = [Int32](repeating: 0, count: count)
    for x in 4..<16 { for y in 4..<12 { lab[index(x, y, 3)] = 2 } }
    var o = try SliceOverlay(image: [Float](repeating: 40, count: count), shape: shape, label: lab)
    let d = o.displaySlice(box: 100)
    let filled = o.panelPixels(.label, d)
    o.style = .contour
    let outlined = o.panelPixels(.label, d)
    let gray = o.panelPixels(.image, d)
    func changed(_ a: [UInt8]) -> Int {
      (0..<(a.count / 3)).filter { a[3 * $0] != gray[3 * $0] }.count
    }
    #expect(changed(filled) > 2 * changed(outlined))
    #expect(changed(outlined) > 0)
    // Window level 40 maps to mid grey; class 2 (orange) at alpha 0.5 pulls red up.
    let centre = 3 * (d.width * d.height / 2 + d.width / 2)
    #expect(gray[centre] == 128)
    #expect(filled[centre] > 180)
  }

  @Test func unitWindowShowsScaledInputs() throws {
    var img = [Float](repeating: 0, count: count)
    for x in 10..<20 { for y in 0..<16 { for z in 0..<6 { img[index(x, y, z)] = 1 } } }
    var o = try SliceOverlay(image: img, shape: shape)
    o.window = .unit
    let d = o.displaySlice(box: 40)
    #expect(d.gray.max() == 255)
    #expect(d.gray.min() == 0)
  }

  @Test func clicksAreDrawnGreenAndRed() throws {
    let o0 = try SliceOverlay(image: [Float](repeating: -1000, count: count), shape: shape)
    var o = o0
    o.points = try PointPrompt.from(
      points: [[10, 8, 3], [3, 3, 3], [0, 0, 0]], labels: [1, 0, -1])
    #expect(o.points.count == 2)
    o.slice = 3
    let fig = try o.render(panelSize: 200)
    var green = 0
    var red = 0
    for y in 0..<fig.height {
      for x in 0..<fig.width {
        let p = fig.canvas.pixel(x: x, y: y)
        if p == Color(hex: 0x2ca02c) { green += 1 }
        if p == Color(hex: 0xd62728) { red += 1 }
      }
    }
    #expect(green > 20 && red > 20)
    #expect(throws: PlotError.self) { try PointPrompt.from(points: [[1, 2]], labels: [1]) }
  }

  @Test func gridStacksRowsWithOneLegend() throws {
    var lab = [Int32](repeating: 0, count: count)
    lab[index(5, 5, 2)] = 1
    var o = try SliceOverlay(image: [Float](repeating: 0, count: count), shape: shape, label: lab)
    o.classNames = [1: "liver"]
    let one = try o.render(panelSize: 80)
    let three = try SliceOverlay.grid(o.atSlices([1, 2, 3]), panelSize: 80)
    #expect(three.width == one.width)
    #expect(three.height > 2 * one.height)
    #expect(throws: PlotError.self) { try SliceOverlay.grid([]) }
  }

  @Test func nanAndInfiniteIntensitiesDoNotCrash() throws {
    var img = [Float](repeating: .nan, count: count)
    img[0] = .infinity
    img[1] = -.infinity
    let o = try SliceOverlay(image: img, shape: shape)
    let d = o.displaySlice(box: 30)
    #expect(d.gray.allSatisfy { $0 == 0 })
    #expect(CTWindow.abdomen.apply(.nan) == 0)
  }

  @Test func errorsPanelMarksFalsePositivesAndNegatives() throws {
    var lab = [Int32](repeating: 0, count: count)
    var pred = lab
    for y in 0..<16 {
      lab[index(5, y, 3)] = 1  // missed: false negative
      pred[index(15, y, 3)] = 1  // extra: false positive
    }
    var o = try SliceOverlay(
      image: [Float](repeating: 40, count: count), shape: shape, label: lab, prediction: pred)
    o.slice = 3
    o.panels = [.errors]
    let d = o.displaySlice(box: 20)  // 1 display pixel per voxel column
    let px = o.panelPixels(.errors, d)
    // Display column of x = 5 (patient right side) is 20 - 1 - 5 = 14; of x = 15 it is 4.
    let fn = 3 * (2 * d.width + 14)
    let fp = 3 * (2 * d.width + 4)
    #expect(px[fn + 2] > px[fn])  // blue
    #expect(px[fp] > px[fp + 2])  // red
    #expect(px[3 * (2 * d.width + 10)] == 128)  // untouched grey
  }
}
