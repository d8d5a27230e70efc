import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// Shared helpers for the checkpoint tests: fixture paths, temp files, expected-error checks.
enum CheckpointFixtures {
  /// `Golden/checkpoint/<name>` as a path.
  static func path(_ name: String) -> String { Fixtures.golden("checkpoint/\(name)").path }

  /// The manifest rows of a fixture file: (key, dtype, shape) in the order the reader must return.
  static func manifest(_ file: String) throws -> [(key: String, dtype: String, shape: [Int])] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path("manifest.json")))
    let all = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let rows = try #require(all[file] as? [[Any]])
    return rows.map { r in
      (r[0] as! String, r[1] as! String, (r[2] as! [Any]).map { ($0 as! NSNumber).intValue })
    }
  }

  /// The expected value of `key` from `<dir>/<key>.npy`.
  static func expected(_ dir: String, _ key: String) throws -> NPY.Array {
    try NPY.read(Fixtures.golden("checkpoint/\(dir)/\(key).npy"))
  }
}

/// A fresh temp folder, removed when the value goes away.
final class TempDir {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ckpt-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }

  /// A path inside the folder.
  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  /// Writes bytes to `name` and returns its path.
  func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let p = path(name)
    try Data(bytes).write(to: URL(fileURLWithPath: p))
    return p
  }

  /// The file names now in the folder.
  var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] }
}

/// Expects `body` to throw a VistaError whose message contains every one of `parts`.
func expectVistaError(
  containing parts: [String], sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () throws -> Void
) {
  do {
    try body()
    Issue.record("expected an error containing \(parts)", sourceLocation: sourceLocation)
  } catch let e as VistaError {
    for p in parts where !e.message.contains(p) {
      Issue.record("error '\(e.message)' lacks '\(p)'", sourceLocation: sourceLocation)
    }
  } catch {
    Issue.record("expected a VistaError, got \(error)", sourceLocation: sourceLocation)
  }
}

/// Builds a torch.save-shaped zip holding `pickle` as data.pkl plus `storages` (name → bytes).
func makeTorchZip(
  at path: String, pickle: [UInt8], storages: [String: [UInt8]] = [:], stem: String = "archive"
)
  throws
{
  let sink = try FileSink(path: path)
  var zip = ZipWriter(sink: sink)
  try zip.addMember("\(stem)/data.pkl", pickle)
  try zip.addMember("\(stem)/byteorder", Array("little".utf8))
  for (name, bytes) in storages.sorted(by: { $0.key < $1.key }) {
    try zip.addMember("\(stem)/data/\(name)", bytes)
  }
  try zip.addMember("\(stem)/version", Array("3\n".utf8))
  try zip.finish()
  try sink.commit()
}
