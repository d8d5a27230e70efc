import Foundation
import Testing

@testable import Plot

@Suite struct FontFaceTests {
  @Test func missingFontThrowsAClearError() {
    do {
      _ = try FontFace(path: "/nonexistent/NoSuchFont.ttf")
      Issue.record("expected an error")
    } catch let e as PlotError {
      #expect(e.message.contains("/nonexistent/NoSuchFont.ttf"))
      #expect(e.message.contains("fonts-dejavu-core"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func figureWithMissingFontThrows() {
    var theme = Theme()
    theme.fontPath = "/nonexistent/x.ttf"
    #expect(throws: PlotError.self) { try Figure(width: 10, height: 10, theme: theme) }
  }

  @Test func measureGrowsWithTextAndSize() throws {
    let f = try FontFace(path: FontFace.dejaVuSansPath)
    let a = f.measure("loss", size: 14)
    let b = f.measure("loss loss", size: 14)
    let c = f.measure("loss", size: 28)
    #expect(a.width > 10 && b.width > a.width * 1.8)
    #expect(abs(c.width - 2 * a.width) < 3)
    #expect(a.ascent > a.descent && a.descent > 0)
  }

  @Test func textPixelsLandInsideTheReturnedBox() throws {
    let f = try FontFace(path: FontFace.dejaVuSansPath)
    var c = Canvas(width: 200, height: 60)
    let box = c.drawText(
      "Dice 0.91", at: Point(100, 30), face: f, size: 16, color: .black, align: .center,
      valign: .center)
    var inside = 0
    var outside = 0
    for y in 0..<60 {
      for x in 0..<200 where c.pixel(x: x, y: y).r < 128 {
        if box.contains(Point(Double(x) + 0.5, Double(y) + 0.5)) {
          inside += 1
        } else {
          outside += 1
        }
      }
    }
    #expect(inside > 30)
    #expect(outside == 0)
    #expect(abs(box.center.x - 100) <= 1 && abs(box.center.y - 30) <= 1)
  }

  @Test func rotatedTextSwapsTheBox() throws {
    let f = try FontFace(path: FontFace.dejaVuSansPath)
    var c = Canvas(width: 100, height: 200)
    let upright = f.measure("learning rate", size: 14)
    let box = c.drawText(
      "learning rate", at: Point(50, 100), face: f, size: 14, color: .black, align: .center,
      valign: .center, rotated: true)
    #expect(box.height > box.width * 3)
    #expect(abs(box.height - upright.width) < 4)
  }
}
