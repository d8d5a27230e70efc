import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// safetensors reading (a hand-written reference file) and writing.
@Suite struct SafeTensorsTests {
  @Test func readsReferenceFileInDataOrderWithMetadata() throws {
    let (sd, report) = try Checkpoint.read(CheckpointFixtures.path("tiny.safetensors"))
    #expect(report.format == .safetensors)
    let rows = try CheckpointFixtures.manifest("tiny.safetensors")
    #expect(sd.keys == rows.map(\.key))
    #expect(sd.metadata == ["format": "pt", "note": "golden"])
    for row in rows {
      let v = try #require(sd[row.key])
      #expect(v.dtype.rawValue == row.dtype && v.shape == row.shape)
      switch (v, try CheckpointFixtures.expected("tiny", row.key)) {
      case (.float(let got, _), .float(let want, _)):
        #expect(got.scalars.map(\.bitPattern) == want.scalars.map(\.bitPattern))
      case (.int(let got, _), .int(let want, _)): #expect(got.scalars == want.scalars)
      default: Issue.record("\(row.key): kind differs")
      }
    }
  }

  @Test func roundTripsAndConvertsFromTorch() throws {
    let dir = try TempDir()
    var sd = try Checkpoint.load(CheckpointFixtures.path("dtypes.pt"))
    sd.metadata = ["format": "pt", "quote\"d": "line\nbreak"]
    try Checkpoint.save(sd, to: dir.path("m.safetensors"))
    let back = try Checkpoint.load(dir.path("m.safetensors"))
    #expect(back == sd)
    #expect(back.metadata == sd.metadata)
    // Explicit format beats the extension.
    try Checkpoint.save(sd, to: dir.path("m.bin"), format: .safetensors)
    #expect(try Checkpoint.read(dir.path("m.bin")).report.format == .safetensors)
  }

  @Test func headerIsPaddedToEightBytes() throws {
    let dir = try TempDir()
    try Checkpoint.save(StateDict([("x", Tensor([1]))]), to: dir.path("x.safetensors"))
    let bytes = try Array(Data(contentsOf: dir.url.appendingPathComponent("x.safetensors")))
    let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    #expect(n % 8 == 0 && bytes.count == 8 + n + 4)
  }

  func file(_ header: String, data: [UInt8]) -> [UInt8] {
    let h = Array(header.utf8)
    return withUnsafeBytes(of: UInt64(h.count).littleEndian, Array.init) + h + data
  }

  @Test func malformedHeadersAreErrors() throws {
    let dir = try TempDir()
    let cases: [(String, [UInt8], String)] = [
      (
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", [0, 0, 0, 0],
        "do not fit"
      ),
      (
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}", [0, 0, 0, 0],
        "do not fit"
      ),
      (
        "{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
        [UInt8](repeating: 0, count: 8), "unsupported dtype 'C64'"
      ),
      ("{\"a\":{\"dtype\":\"F32\"}}   ", [], "lacks dtype, shape or data_offsets"),
      ("{\"a\": [1, 2 ", [], "not valid JSON"),
    ]
    for (i, (header, data, message)) in cases.enumerated() {
      let path = try dir.write("bad\(i).safetensors", file(header, data: data))
      expectVistaError(containing: ["'\(path)'", message]) { _ = try Checkpoint.load(path) }
    }
  }
}
