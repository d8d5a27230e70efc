import Foundation
import Testing
import TestSupport
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
    var sd = StateDict([("a.weight", Tensor.normal([4, 3, 2], using: &rng)), ("a.bias", Tensor([1, -2, 3, 4]))])
    sd["a.scalar"] = .float(Tensor(scalar: -0.0), .float32)
    sd["h"] = .float(Tensor([1.5, 65504, -2]), .float16)
    sd["steps"] = .int(IntTensor([0, 7, -3]), .int64)
    sd["mask"] = .int(IntTensor([1, 0, 1]), .bool)
    sd["tagged"] = .float(Tensor([2.5]), .int64)  // float tagged int: stored as float32, not truncated
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
    for n in ["byteorder", "version", ".format_version", ".storage_alignment", ".data/serialization_id"] {
      #expect(names.contains("model_v2/\(n)"), "\(n)")
    }
    #expect(String(decoding: zip.bytes(of: zip.entry("model_v2/byteorder")!), as: UTF8.self) == "little")
    #expect(String(decoding: zip.bytes(of: zip.entry("model_v2/version")!), as: UTF8.self) == "3\n")
    for e in zip.entries {
      if e.name.contains("/data/") { #expect(e.dataOffset % 64 == 0, "\(e.name) at \(e.dataOffset)") }
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
    expectVistaError(containing: ["cannot write", "missing/b.pt"]) { try Checkpoint.save(sd, to: dir.path("missing/b.pt")) }
    #expect(dir.contents == ["a.pt"])
  }

  @Test func archiveNameFollowsTheFileStem() {
    #expect(TorchWriter.archiveName(for: URL(fileURLWithPath: "/x/model_vista3d.pt")) == "model_vista3d")
    #expect(TorchWriter.archiveName(for: URL(fileURLWithPath: "/x/we ird.pt")) == "archive")
  }

  @Test func emptyStateDictRoundTrips() throws {
    let dir = try TempDir()
    try Checkpoint.save(StateDict(), to: dir.path("e.pt"))
    #expect(try Checkpoint.load(dir.path("e.pt")).count == 0)
  }
}
