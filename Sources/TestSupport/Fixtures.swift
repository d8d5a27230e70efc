import Foundation

/// Locates committed golden fixtures and the optional `../shared` data.
public enum Fixtures {
  /// The repository root (found from this source file's path).
  public static let repoRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url
  }()

  /// `Tests/VistaCoreTests/Golden/<name>`.
  public static func golden(_ name: String) -> URL {
    repoRoot.appendingPathComponent("Tests/VistaCoreTests/Golden").appendingPathComponent(name)
  }

  /// `../shared/<path>` beside the repository, or nil when absent (a user's clone has no ../shared).
  public static func shared(_ path: String) -> URL? {
    let url = repoRoot.deletingLastPathComponent().appendingPathComponent("shared").appendingPathComponent(path)
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }
}
