import Foundation
import Testing

@testable import Plot

@Suite struct PNGTests {
  private func sample() -> Canvas {
    var c = Canvas(width: 7, height: 5)
    c.fill(Rect(x: 1, y: 1, width: 3, height: 2), color: Color(hex: 0xd62728))
    return c
  }

  @Test func bytesHaveSignatureAndIENDChunk() throws {
    let b = try PNG.encode(sample())
    #expect(Array(b.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    #expect(Array(b.suffix(8)) == [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
  }

  @Test func decodeRoundTripsPixels() throws {
    let c = sample()
    let d = try PNG.decode(try PNG.encode(c))
    #expect(d.width == 7 && d.height == 5)
    #expect(d.pixels == c.pixels)
  }

  @Test func transparentPixelsSurviveAsRGBA() throws {
    var c = Canvas(width: 3, height: 3, background: .clear)
    c.fill(Rect(x: 0, y: 0, width: 1, height: 1), color: .black)
    let d = try PNG.decode(try PNG.encode(c))
    #expect(d.pixel(x: 2, y: 2).a == 0)
    #expect(d.pixel(x: 0, y: 0) == .black)
  }

  @Test func writeThenReadFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plot-png-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("a.png").path
    try PNG.write(sample(), to: path)
    let back = try PNG.read(path: path)
    #expect(back.pixels == sample().pixels)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    #expect(leftovers == ["a.png"])
  }

  @Test func errorsNameThePath() {
    let bad = "/nonexistent-dir/out.png"
    #expect { try PNG.write(sample(), to: bad) } throws: {
      ($0 as? PlotError)?.message.contains(bad) == true
    }
    #expect { try PNG.read(path: bad) } throws: {
      ($0 as? PlotError)?.message.contains(bad) == true
    }
    #expect(throws: PlotError.self) { try PNG.decode([1, 2, 3]) }
    #expect(throws: PlotError.self) { try PNG.encode(bytes: [0], width: 2, height: 2, channels: 3) }
  }
}
