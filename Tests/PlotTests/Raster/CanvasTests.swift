import Testing

@testable import Plot

@Suite struct CanvasTests {
  @Test func fillRectColoursExactlyItsPixels() {
    var c = Canvas(width: 20, height: 10)
    c.fill(Rect(x: 2, y: 3, width: 5, height: 4), color: Color(hex: 0x1f77b4))
    #expect(c.pixel(x: 2, y: 3) == Color(hex: 0x1f77b4))
    #expect(c.pixel(x: 6, y: 6) == Color(hex: 0x1f77b4))
    #expect(c.pixel(x: 7, y: 6) == .white)
    #expect(c.pixel(x: 2, y: 7) == .white)
  }

  @Test func halfAlphaBlendsHalfway() {
    var c = Canvas(width: 4, height: 4)
    c.fill(Rect(x: 0, y: 0, width: 4, height: 4), color: Color.black.withAlpha(0.5))
    let p = c.pixel(x: 1, y: 1)
    #expect(abs(Int(p.r) - 127) <= 1)
    #expect(p.a == 255)
  }

  @Test func fractionalRectEdgeIsPartlyCovered() {
    var c = Canvas(width: 4, height: 4)
    c.fill(Rect(x: 0, y: 0, width: 1.5, height: 4), color: .black)
    #expect(c.pixel(x: 0, y: 0) == .black)
    #expect(abs(Int(c.pixel(x: 1, y: 0).r) - 127) <= 1)
  }

  @Test func drawingOutsideIsSilentlyClipped() {
    var c = Canvas(width: 10, height: 10)
    c.fill(Rect(x: -50, y: -50, width: 30, height: 30), color: .black)
    c.drawLine(from: Point(-100, -100), to: Point(-5, 200), color: .black, width: 3)
    c.fillCircle(center: Point(500, 500), radius: 20, color: .black)
    c.blend(x: -1, y: 3, color: .black)
    #expect(c.pixels.allSatisfy { $0 == 255 })
  }

  @Test func clipRectLimitsDrawing() {
    var c = Canvas(width: 10, height: 10)
    c.clipRect = Rect(x: 0, y: 0, width: 5, height: 10)
    c.fill(Rect(x: 0, y: 0, width: 10, height: 10), color: .black)
    #expect(c.pixel(x: 4, y: 5) == .black)
    #expect(c.pixel(x: 5, y: 5) == .white)
  }

  @Test func horizontalLineCoversItsRowsOnly() {
    var c = Canvas(width: 40, height: 20)
    c.drawLine(from: Point(5, 10), to: Point(35, 10), color: .black, width: 2)
    // A 2-px line centred on y = 10 covers rows 9 and 10 fully.
    #expect(c.pixel(x: 20, y: 9) == .black)
    #expect(c.pixel(x: 20, y: 10) == .black)
    #expect(c.pixel(x: 20, y: 8) == .white)
    #expect(c.pixel(x: 20, y: 11) == .white)
    #expect(c.pixel(x: 2, y: 10) == .white)
  }

  @Test func diagonalLineIsAntiAliased() {
    var c = Canvas(width: 30, height: 30)
    c.drawLine(from: Point(2, 3), to: Point(27, 20), color: .black, width: 1.5)
    let greys = Set(c.pixels.enumerated().filter { $0.offset % 4 == 0 }.map(\.element))
    #expect(greys.contains { $0 > 20 && $0 < 235 })  // intermediate coverage exists
  }

  @Test func dashedLineHasGaps() {
    var c = Canvas(width: 100, height: 10)
    c.drawLine(from: Point(0, 5), to: Point(100, 5), color: .black, width: 2, style: .dashed)
    let row = (0..<100).map { c.pixel(x: $0, y: 5).r }
    #expect(row.contains(0))
    #expect(row.contains(255))
    var solid = Canvas(width: 100, height: 10)
    solid.drawLine(from: Point(0, 5), to: Point(100, 5), color: .black, width: 2)
    #expect((2..<98).allSatisfy { solid.pixel(x: $0, y: 5).r == 0 })
  }

  @Test func polylineOverlapDoesNotDoubleBlend() {
    var c = Canvas(width: 30, height: 30)
    let half = Color.black.withAlpha(0.5)
    c.strokePolyline([Point(5, 15), Point(25, 15), Point(5, 15.01)], color: half, width: 3)
    #expect(abs(Int(c.pixel(x: 15, y: 15).r) - 127) <= 1)
  }

  @Test func filledShapesCoverTheirInteriorOnly() {
    var c = Canvas(width: 60, height: 60)
    c.fillPolygon([Point(10, 10), Point(50, 10), Point(30, 50)], color: .black)
    #expect(c.pixel(x: 30, y: 20) == .black)
    #expect(c.pixel(x: 12, y: 40) == .white)
    c.fillCircle(center: Point(50, 50), radius: 5, color: Color(hex: 0xff0000))
    #expect(c.pixel(x: 50, y: 50) == Color(hex: 0xff0000))
    #expect(c.pixel(x: 50, y: 57) == .white)
  }

  @Test(arguments: MarkerShape.allCases)
  func markerPaintsItsCentre(shape: MarkerShape) {
    var c = Canvas(width: 40, height: 40)
    c.drawMarker(shape, at: Point(20, 20), size: 16, fill: Color(hex: 0x2ca02c))
    let p = c.pixel(x: 20, y: 20)
    #expect(p != .white, "\(shape) left its centre white")
    #expect(c.pixel(x: 2, y: 2) == .white)
  }

  @Test func rgbaInitRejectsWrongByteCount() {
    #expect(throws: PlotError.self) { try Canvas(width: 2, height: 2, rgba: [0, 0, 0]) }
  }
}
