import Foundation
import VistaCore

extension BuiltinRegistry {
  /// exists, read_text, write_text, list_dir.
  mutating func installFiles() {
    register(
      Builtin(
        "exists", [Param("path", .string)], summary: "Whether a file or directory exists.",
        example: "exists(\"model.pt\")"
      ) { a in
        .bool(
          FileManager.default.fileExists(atPath: a.interpreter.resolvePath(try a.string("path"))))
      })
    register(
      Builtin("read_text", [Param("path", .string)], summary: "The contents of a text file.") { a in
        let path = try a.string("path")
        guard let s = try? String(contentsOfFile: a.interpreter.resolvePath(path), encoding: .utf8)
        else {
          throw RuntimeFailure(
            "cannot read '\(path)' (no such file or not UTF-8 text)", argument: "path")
        }
        return .string(s)
      })
    register(
      Builtin(
        "write_text", [Param("path", .string), Param("text", .string)],
        summary: "Write text to a file (atomically; missing folders are created).",
        example: "write_text(\"notes.txt\", \"lr {lr}\")"
      ) { a in
        let path = try a.string("path")
        let url = URL(fileURLWithPath: a.interpreter.resolvePath(path))
        do {
          try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
          try writeAtomically(Data(try a.string("text").utf8), to: url)
        } catch {
          throw RuntimeFailure("cannot write '\(path)': \(error)", argument: "path")
        }
        return .nil
      })
    register(
      Builtin(
        "list_dir", [Param("path", .string, default: .string("."))],
        summary: "Sorted names in a directory."
      ) { a in
        let path = try a.string("path")
        guard
          let names = try? FileManager.default.contentsOfDirectory(
            atPath: a.interpreter.resolvePath(path))
        else {
          throw RuntimeFailure("cannot list '\(path)' (no such directory)", argument: "path")
        }
        return .list(names.sorted().map { .string($0) })
      })
  }
}
