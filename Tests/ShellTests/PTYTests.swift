import Foundation
import Testing

/// Drives the built `vista` binary through a pseudo-terminal, as a user at a real terminal would.
@Suite(.serialized) struct PTYTests {
  final class Terminal {
    let master: Int32
    let process = Process()
    var transcript = ""

    init(binary: URL, home: URL) throws {
      // /dev/ptmx + TIOCSPTLCK (unlock) + TIOCGPTN (number): posix_openpt & co. are not imported.
      master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
      var unlock: Int32 = 0
      var number: UInt32 = 0
      guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0,
        ioctl(master, 0x8004_5430, &number) == 0
      else {
        throw CocoaError(.fileNoSuchFile)
      }
      let slaveFD = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
      guard slaveFD >= 0 else { throw CocoaError(.fileNoSuchFile) }
      let slave = FileHandle(fileDescriptor: slaveFD, closeOnDealloc: true)
      process.executableURL = binary
      var env = ProcessInfo.processInfo.environment
      env["HOME"] = home.path
      env["TERM"] = "xterm"
      process.environment = env
      process.standardInput = slave
      process.standardOutput = slave
      process.standardError = slave
      try process.run()
      log("started \(process.processIdentifier)")
      try slave.close()
    }

    func log(_ s: String) {
      if ProcessInfo.processInfo.environment["VISTA_PTY_LOG"] != nil {
        FileHandle.standardError.write(Data((s + "\n").utf8))
      }
    }

    func send(_ text: String) {
      log(
        "send \(text.debugDescription) transcript so far \(transcript.suffix(80).debugDescription)")
      _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
    }

    /// Reads until `needle` appears after `from` (or the timeout passes); returns whether it appeared.
    @discardableResult
    func wait(for needle: String, after start: Int = 0, timeout: Double = 10) -> Bool {
      let deadline = Date().addingTimeInterval(timeout)
      var buffer = [UInt8](repeating: 0, count: 4096)
      func found() -> Bool {
        transcript.utf8.count >= start
          && String(decoding: Array(transcript.utf8)[start...], as: UTF8.self).contains(needle)
      }
      while Date() < deadline {
        if found() { return true }
        var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        if poll(&fds, 1, 100) > 0 {
          let n = read(master, &buffer, buffer.count)
          if n <= 0 { break }
          transcript += String(decoding: buffer[0..<n], as: UTF8.self)
        }
      }
      return found()
    }

    func finish() {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      process.waitUntilExit()
      close(master)
    }
  }

  @Test func interactiveSessionWithCompletionHistoryAndInterrupt() throws {
    let binary = try #require(TranscriptTests.binary, "build the vista binary first (swift build)")
    let home = FileManager.default.temporaryDirectory.appendingPathComponent(
      "vista-pty-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: home) }
    let t = try Terminal(binary: binary, home: home)
    defer { t.finish() }

    #expect(t.wait(for: "[1]> ", timeout: 30), "transcript: \(t.transcript)")
    t.send("x = 41\r")
    #expect(t.wait(for: "[2]> "))
    t.send("x + 1\r")
    #expect(t.wait(for: "42"))
    #expect(t.wait(for: "[3]> "))
    // Continuation while a brace is open.
    t.send("for i in 0..<2 {\r")
    #expect(t.wait(for: "...> "))
    t.send("print(\"i={i}\")\r}\r")
    #expect(t.wait(for: "i=1"))
    #expect(t.wait(for: "[4]> "))
    // Tab completes a method after '.'.
    t.send("xs = [1]\r")
    #expect(t.wait(for: "[5]> "))
    var mark = t.transcript.utf8.count
    t.send("xs.ap\t")
    // libedit redraws the completed word with cursor moves, so look for the inserted suffix.
    #expect(t.wait(for: "pend", after: mark))
    t.send("(2)\rxs\r")
    #expect(t.wait(for: "[1, 2]"))
    // An error keeps the session.
    t.send("print(epochz)\r")
    #expect(t.wait(for: "unknown name 'epochz'"))
    // Ctrl-C (SIGINT) stops a running loop; state survives.
    t.send("n = 0\r")
    #expect(t.wait(for: "[9]> "))
    // The loop announces itself, so the signal lands while it runs, however slow the machine.
    mark = t.transcript.utf8.count
    t.send("while true {\r")
    #expect(t.wait(for: "...> ", after: mark))
    mark = t.transcript.utf8.count
    t.send("n += 1\r")
    #expect(t.wait(for: "...> ", after: mark))
    t.send("if n == 1 { print(\"looping-{n}\") }\r}\r")
    #expect(t.wait(for: "looping-1", timeout: 30))
    kill(t.process.processIdentifier, SIGINT)
    #expect(t.wait(for: "error: interrupted", timeout: 30))
    mark = t.transcript.utf8.count
    t.send("n > 0\r")
    #expect(t.wait(for: "true", after: mark))
    // Up arrow with a typed prefix searches history.
    #expect(t.wait(for: "[11]> "))
    mark = t.transcript.utf8.count
    t.send("xs.ap")
    Thread.sleep(forTimeInterval: 0.2)
    t.send("\u{1b}[A")
    #expect(t.wait(for: "pend(2)", after: mark))
    t.send("\u{15}")  // Ctrl-U clears the line
    // Ctrl-D exits cleanly.
    t.send("\u{04}")
    let deadline = Date().addingTimeInterval(10)
    while t.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    #expect(!t.process.isRunning, "vista did not exit on Ctrl-D")
    if !t.process.isRunning { #expect(t.process.terminationStatus == 0) }
    let history = try String(
      contentsOf: home.appendingPathComponent(".vista_history"), encoding: .utf8)
    #expect(history.contains("x\\040=\\04041"))
    #expect(history.contains("while\\040true"))
  }
}
