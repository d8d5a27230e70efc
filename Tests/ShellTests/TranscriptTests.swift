import Foundation
import Testing

/// Runs the built `vista` binary with piped stdin and checks the whole transcript.
@Suite struct TranscriptTests {
  /// `.build/<triple>/debug/vista`, next to the test bundle.
  static var binary: URL? {
    let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for dir in [bundleDir, bundleDir.deletingLastPathComponent()] {
      let candidate = dir.appendingPathComponent("vista")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent()
      .deletingLastPathComponent()
    let fallback = root.appendingPathComponent(".build/debug/vista")
    return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
  }

  func run(_ args: [String], stdin: String, home: URL) throws -> (
    out: String, err: String, code: Int32
  ) {
    let binary = try #require(Self.binary, "build the vista binary first (swift build)")
    let p = Process()
    p.executableURL = binary
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["HOME"] = home.path
    p.environment = env
    let input = Pipe()
    let output = Pipe()
    let error = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = error
    try p.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (
      String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self),
      p.terminationStatus
    )
  }

  func tempHome() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "vista-home-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test func pipedReplTranscript() throws {
    let home = try tempHome()
    defer { try? FileManager.default.removeItem(at: home) }
    try "rc_value = 7\n".write(
      to: home.appendingPathComponent(".vistarc.vs"), atomically: true, encoding: .utf8)
    let r = try run(
      [],
      stdin: "x = 41\nx + 1\nfor i in 0..<2 {\n  print(\"i={i}\")\n}\nprint(epochz)\nrc_value\n",
      home: home)
    #expect(r.out == "42\ni=0\ni=1\n7\n")
    #expect(r.err.contains("In[4]:1:7: error: unknown name 'epochz'"))
    #expect(r.code == 0)
  }

  @Test func noRcSkipsTheStartupFile() throws {
    let home = try tempHome()
    defer { try? FileManager.default.removeItem(at: home) }
    try "rc_value = 7\n".write(
      to: home.appendingPathComponent(".vistarc.vs"), atomically: true, encoding: .utf8)
    let r = try run(["--no-rc"], stdin: "rc_value\n", home: home)
    #expect(r.err.contains("unknown name 'rc_value'"))
  }

  @Test func runScriptWithOverridesEchoAndExitCodes() throws {
    let home = try tempHome()
    defer { try? FileManager.default.removeItem(at: home) }
    let script = home.appendingPathComponent("exp.vs")
    try "lr = 1e-4\nepochs = 2\nprint(\"lr {lr} epochs {epochs}\")\n".write(
      to: script, atomically: true, encoding: .utf8)
    let r = try run(["run", script.path, "--set", "lr=0.5", "--echo"], stdin: "", home: home)
    #expect(
      r.out
        == "> lr = 1e-4\n# --set lr = 0.5\n> epochs = 2\n> print(\"lr {lr} epochs {epochs}\")\nlr 0.5 epochs 2\n"
    )
    #expect(r.code == 0)
    let plain = try run([script.path], stdin: "", home: home)
    #expect(plain.out == "lr 0.0001 epochs 2\n")

    let bad = home.appendingPathComponent("bad.vs")
    try "x = [1,\ny = 2\n".write(to: bad, atomically: true, encoding: .utf8)
    let syntax = try run(["run", bad.path], stdin: "", home: home)
    #expect(syntax.code == 65)
    #expect(syntax.err.contains("bad.vs:1:5: error: '[' was never closed"))
    try "x = 1\nx.nope()\n".write(to: bad, atomically: true, encoding: .utf8)
    #expect(try run(["run", bad.path], stdin: "", home: home).code == 70)
    #expect(
      try run(["run", home.appendingPathComponent("missing.vs").path], stdin: "", home: home).code
        == 64)
    #expect(try run(["--bogus-flag"], stdin: "", home: home).code == 64)
  }

  @Test func versionStillPrints() throws {
    let home = try tempHome()
    defer { try? FileManager.default.removeItem(at: home) }
    #expect(try run(["--version"], stdin: "", home: home).out == "vista 0.1.0\n")
  }
}
