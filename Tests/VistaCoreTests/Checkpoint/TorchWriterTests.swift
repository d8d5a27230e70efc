import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// Our torch.save writer: readable by our reader, laid out as torch lays it out, written atomically.
@Suite struct TorchWriterTests {
  @Test func roundTripKeepsKeysOrderDtypesAndBits() throws {
    let dir = try TempDir()
    for fixture in ["dtypes.pt", "views.pt", "wrapped_model.pt"] {
      let original = try Checkpoint.load(CheckpointFixtures.path(fixture))
      let path = dir.path("copy-\(fixture)")
      try Checkpoint.save(original, to: path)
      let back = try Checkpoint.load(path)
      #expect(back == original, "\(fixture)")
      #expect(back.entries.map(\.value.dtype) == original.entries.map(\.value.dtype))
    }
  }

  @Test func inMemoryStateDictRoundTrips() throws {
    var rng = RandomGenerator(seed: 11)
    var sd = StateDict([
      ("a.weight", Tensor.normal([4, 3, 2], using: &rng)), ("a.bias", Tensor([1, -2, 3, 4])),
    ])
    sd["a.scalar"] = .float(Tensor(scalar: -0.0), .float32)
    sd["h"] = .float(Tensor([1.5, 65504, -2]), .float16)
    sd["steps"] = .int(IntTensor([0, 7, -3]), .int64)
    sd["mask"] = .int(IntTensor([1, 0, 1]), .bool)
    // A Float tensor tagged with an int dtype is stored as float32, not truncated.
    sd["tagged"] = .float(Tensor([2.5]), .int64)
    let dir = try TempDir()
    try Checkpoint.save(sd, to: dir.path("m.pt"))
    let back = try Checkpoint.load(dir.path("m.pt"))
    #expect(back.keys == sd.keys)
    for (k, v) in sd.entries where k != "tagged" { #expect(back[k] == v, "\(k)") }
    #expect(back["tagged"] == .float(Tensor([2.5]), .float32))
    #expect(back["a.scalar"]?.tensor.scalars[0].sign == .minus)
  }

  @Test func layoutMatchesTorch() throws {
    let sd = try Checkpoint.load(CheckpointFixtures.path("dtypes.pt"))
    let dir = try TempDir()
    let path = dir.path("model_v2.pt")
    try Checkpoint.save(sd, to: path)
    let file = try MappedFile(path: path)
    let zip = try ZipArchive(file.bytes, path: path)
    let names = zip.entries.map(\.name)
    #expect(names.first == "model_v2/data.pkl")
    for n in [
      "byteorder", "version", ".format_version", ".storage_alignment", ".data/serialization_id",
    ] {
      #expect(names.contains("model_v2/\(n)"), "\(n)")
    }
    #expect(
      String(decoding: zip.bytes(of: zip.entry("model_v2/byteorder")!), as: UTF8.self) == "little")
    #expect(String(decoding: zip.bytes(of: zip.entry("model_v2/version")!), as: UTF8.self) == "3\n")
    for e in zip.entries {
      if e.name.contains("/data/") {
        #expect(e.dataOffset % 64 == 0, "\(e.name) at \(e.dataOffset)")
      }
      #expect(throws: Never.self) { _ = try zip.verifiedBytes(of: e) }
    }
    #expect(zip.entries.filter { $0.name.contains("/data/") }.count == sd.count)
  }

  @Test func writesAtomicallyAndCleansUpOnFailure() throws {
    let dir = try TempDir()
    let sd = StateDict([("w", Tensor([1, 2, 3]))])
    try Checkpoint.save(sd, to: dir.path("a.pt"))
    try Checkpoint.save(sd, to: dir.path("a.pt"))  // overwrite in place
    #expect(dir.contents == ["a.pt"])
    expectVistaError(containing: ["cannot write", "missing/b.pt"]) {
      try Checkpoint.save(sd, to: dir.path("missing/b.pt"))
    }
    #expect(dir.contents == ["a.pt"])
  }

  @Test func archiveNameFollowsTheFileStem() {
    #expect(
      TorchWriter.archiveName(for: URL(fileURLWithPath: "/x/model_vista3d.pt")) == "model_vista3d")
    #expect(TorchWriter.archiveName(for: URL(fileURLWithPath: "/x/we ird.pt")) == "archive")
  }

  @Test func emptyStateDictRoundTrips() throws {
    let dir = try TempDir()
    try Checkpoint.save(StateDict(), to: dir.path("e.pt"))
    #expect(try Checkpoint.load(dir.path("e.pt")).count == 0)
  }

  @Test func urlOverloads() throws {
    let dir = try TempDir()
    let url = dir.url.appendingPathComponent("u.safetensors")
    let sd = StateDict([("w", Tensor([1, 2]))])
    try Checkpoint.save(sd, to: url)
    #expect(try Checkpoint.load(url) == sd)
    #expect(try Checkpoint.read(url.path).report.format == .safetensors)
  }
}

/// Members beyond 4 GB: ZIP64 extra fields on write and read (a sparse hole keeps the file small).
@Suite struct ZipLargeOffsetTests {
  @Test func membersPastFourGigabytesAreFound() throws {
    let dir = try TempDir()
    let path = dir.path("big.zip")
    let sink = try FileSink(path: path)
    var zip = ZipWriter(sink: sink)
    try zip.addMember("a/first", [1, 2, 3])
    try sink.skip((1 << 32) + 12_345)  // a gap no member covers
    try zip.addMember("a/second", [4, 5, 6, 7])
    try zip.finish()
    try sink.commit()
    let file = try MappedFile(path: path)
    let archive = try ZipArchive(file.bytes, path: path)
    let second = try #require(archive.entry("a/second"))
    #expect(second.dataOffset > 1 << 32 && second.dataOffset % 64 == 0)
    #expect(Array(try archive.verifiedBytes(of: second)) == [4, 5, 6, 7])
    #expect(
      Array(try archive.verifiedBytes(of: try #require(archive.entry("a/first")))) == [1, 2, 3])
  }
}

/// CRC-32 against zlib's published check values.
@Suite struct CRC32Tests {
  @Test func knownValues() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum([]) == 0)
    #expect(
      CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    // Chunked computation equals one pass, across the 16-byte fast path and the byte tail.
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    let whole = CRC32.checksum(bytes)
    let part = bytes.withUnsafeBytes { raw in
      CRC32.checksum(
        raw.baseAddress! + 37, count: 963, crc: CRC32.checksum(raw.baseAddress, count: 37))
    }
    #expect(part == whole)
  }
}
