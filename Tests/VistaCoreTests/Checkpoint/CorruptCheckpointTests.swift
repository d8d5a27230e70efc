import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// Broken, truncated and non-checkpoint files give an error naming the file, never a crash.
@Suite struct CorruptCheckpointTests {
  /// A valid pickle of OrderedDict(w=tensor) over storage "0" (float32, `numel` elements) viewed
  /// with `offset`, `size` and `stride`.
  func tensorPickle(numel: Int, offset: Int = 0, size: [Int], stride: [Int], top: String = "w")
    -> [UInt8]
  {
    var p = PickleWriter()
    p.op(0x80, 2)
    p.global("collections", "OrderedDict")
    p.op(0x29, 0x52, 0x28)
    p.string(top)
    p.global("torch._utils", "_rebuild_tensor_v2")
    p.op(0x28, 0x28)
    p.string("storage")
    p.global("torch", "FloatStorage")
    p.string("0")
    p.string("cpu")
    p.int(numel)
    p.op(0x74, 0x51)
    p.int(offset)
    p.tuple(size)
    p.tuple(stride)
    p.op(0x89)
    p.global("collections", "OrderedDict")
    p.op(0x29, 0x52, 0x74, 0x52, 0x75, 0x2E)
    return p.bytes
  }

  func floats(_ n: Int) -> [UInt8] {
    (0..<n).flatMap { withUnsafeBytes(of: Float($0).bitPattern.littleEndian, Array.init) }
  }

  @Test func handBuiltTensorPickleLoads() throws {
    let dir = try TempDir()
    let path = dir.path("ok.pt")
    try makeTorchZip(
      at: path, pickle: tensorPickle(numel: 6, offset: 1, size: [2, 2], stride: [1, 2]),
      storages: ["0": floats(6)])
    let t = try Checkpoint.load(path).tensor("w")
    #expect(t.shape == [2, 2] && t.scalars == [1, 3, 2, 4])
  }

  @Test func hugeZeroStrideViewIsRefused() throws {
    let dir = try TempDir()
    let path = dir.path("huge.pt")
    try makeTorchZip(
      at: path, pickle: tensorPickle(numel: 1, size: [1 << 20, 1 << 20], stride: [0, 0]),
      storages: ["0": floats(1)])
    expectVistaError(containing: ["tensor 'w'", "larger than this reader supports"]) {
      _ = try Checkpoint.load(path)
    }
  }

  @Test func emptyFile() throws {
    let dir = try TempDir()
    let path = try dir.write("empty.pt", [])
    expectVistaError(containing: ["'\(path)'", "empty"]) { _ = try Checkpoint.load(path) }
  }

  @Test func randomBytes() throws {
    let dir = try TempDir()
    var rng = RandomGenerator(seed: 3)
    let path = try dir.write(
      "noise.pt", (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
    expectVistaError(containing: ["'\(path)'", "neither a torch.save file"]) {
      _ = try Checkpoint.load(path)
    }
  }

  @Test func missingFileAndDirectory() throws {
    let dir = try TempDir()
    expectVistaError(containing: ["cannot open checkpoint", "nope.pt"]) {
      _ = try Checkpoint.load(dir.path("nope.pt"))
    }
    expectVistaError(containing: ["not a regular file"]) { _ = try Checkpoint.load(dir.url.path) }
  }

  @Test func zipWithoutDataPkl() throws {
    let dir = try TempDir()
    let path = dir.path("other.zip")
    let sink = try FileSink(path: path)
    var zip = ZipWriter(sink: sink)
    try zip.addMember("readme.txt", Array("hello".utf8))
    try zip.finish()
    try sink.commit()
    expectVistaError(containing: ["'\(path)'", "without data.pkl", "readme.txt"]) {
      _ = try Checkpoint.load(path)
    }
  }

  @Test func pickleReferencingAMissingStorage() throws {
    let dir = try TempDir()
    let path = dir.path("nostorage.pt")
    try makeTorchZip(at: path, pickle: tensorPickle(numel: 4, size: [4], stride: [1]))
    expectVistaError(containing: ["'\(path)'", "tensor 'w'", "archive/data/0", "does not contain"])
    {
      _ = try Checkpoint.load(path)
    }
  }

  @Test func storageShorterThanDeclared() throws {
    let dir = try TempDir()
    let path = dir.path("short.pt")
    try makeTorchZip(
      at: path, pickle: tensorPickle(numel: 8, size: [8], stride: [1]), storages: ["0": floats(3)])
    expectVistaError(containing: ["'\(path)'", "holds 12 bytes", "tensor 'w'"]) {
      _ = try Checkpoint.load(path)
    }
  }

  @Test func viewOutsideItsStorage() throws {
    let dir = try TempDir()
    let path = dir.path("view.pt")
    try makeTorchZip(
      at: path, pickle: tensorPickle(numel: 4, offset: 2, size: [2, 2], stride: [2, 1]),
      storages: ["0": floats(4)])
    expectVistaError(containing: ["tensor 'w'", "reaches element 5", "4 elements"]) {
      _ = try Checkpoint.load(path)
    }
    let neg = dir.path("neg.pt")
    try makeTorchZip(
      at: neg, pickle: tensorPickle(numel: 4, size: [2], stride: [-1]), storages: ["0": floats(4)])
    expectVistaError(containing: ["tensor 'w'", "unsupported tensor layout"]) {
      _ = try Checkpoint.load(neg)
    }
  }

  @Test func notAStateDict() throws {
    let dir = try TempDir()
    let list = dir.path("list.pt")
    try makeTorchZip(at: list, pickle: [0x80, 2, 0x5D, 0x2E])
    expectVistaError(containing: ["'\(list)'", "holds a list, not a state dict"]) {
      _ = try Checkpoint.load(list)
    }
    var p = PickleWriter()
    p.op(0x80, 2, 0x7D, 0x28)
    p.string("epoch")
    p.int(3)
    p.string("lr")
    p.op(0x4E, 0x75, 0x2E)
    let mixed = dir.path("mixed.pt")
    try makeTorchZip(at: mixed, pickle: p.bytes)
    expectVistaError(containing: [
      "2 entries are not tensors", "epoch (int)", "lr (None)", "'model'/'state_dict'",
    ]) {
      _ = try Checkpoint.load(mixed)
    }
  }

  @Test func legacyFormatIsExplained() {
    expectVistaError(containing: ["legacy.pt", "legacy (pre-1.6)"]) {
      _ = try Checkpoint.load(CheckpointFixtures.path("legacy.pt"))
    }
  }

  @Test func everyTruncationIsAnError() throws {
    let full = try Array(
      Data(contentsOf: URL(fileURLWithPath: CheckpointFixtures.path("dtypes.pt"))))
    let dir = try TempDir()
    var accepted: [Int] = []
    for n in Array(stride(from: 0, to: full.count, by: 13)) + Array((full.count - 30)..<full.count)
    {
      let path = try dir.write("cut.pt", Array(full[0..<n]))
      do {
        _ = try Checkpoint.load(path)
        accepted.append(n)
      } catch is VistaError {} catch { Issue.record("non-Vista error \(error)") }
    }
    #expect(accepted.isEmpty, "truncations that loaded: \(accepted.prefix(5))")
  }

  @Test func damagedDataPklFailsItsChecksum() throws {
    var bytes = try Array(
      Data(contentsOf: URL(fileURLWithPath: CheckpointFixtures.path("dtypes.pt"))))
    let archive = try bytes.withUnsafeBytes { try ZipArchive($0, path: "x") }
    let pkl = try #require(archive.entry("dtypes/data.pkl"))
    bytes[pkl.dataOffset + 40] ^= 0x20
    let dir = try TempDir()
    let path = try dir.write("damaged.pt", bytes)
    expectVistaError(containing: ["'\(path)'", "data.pkl", "CRC"]) { _ = try Checkpoint.load(path) }
  }

  @Test func damagedStorageFailsOnlyWhenVerifying() throws {
    var bytes = try Array(
      Data(contentsOf: URL(fileURLWithPath: CheckpointFixtures.path("dtypes.pt"))))
    let archive = try bytes.withUnsafeBytes { try ZipArchive($0, path: "x") }
    let storage = try #require(archive.entry("dtypes/data/0"))
    bytes[storage.dataOffset] ^= 0x01
    let dir = try TempDir()
    let path = try dir.write("damaged.pt", bytes)
    #expect(throws: Never.self) { _ = try Checkpoint.load(path) }
    var options = Checkpoint.LoadOptions()
    options.verifyChecksums = true
    expectVistaError(containing: ["dtypes/data/0", "CRC"]) {
      _ = try Checkpoint.load(path, options: options)
    }
  }
}
