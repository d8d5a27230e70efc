import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// The unpickler builds data only: dangerous globals and object construction are refused by name.
@Suite struct SafeUnpicklerTests {
  /// Unpickles `bytes` (the caller inspects the value before the unpickler is dismantled).
  func unpickle(_ bytes: [UInt8]) throws -> PickleValue {
    try bytes.withUnsafeBytes { raw in
      var u = SafeUnpickler(raw, path: "test.pt")
      return try u.load()
    }
  }

  /// Unpickles through `withLoaded` (dismantled afterwards) and returns the root's kind.
  func kindOf(_ bytes: [UInt8]) throws -> String {
    try bytes.withUnsafeBytes { raw in
      try SafeUnpickler.withLoaded(raw, path: "test.pt") { $0.kind }
    }
  }

  /// `\x80\x02` + body + `.`
  func p2(_ body: [UInt8]) -> [UInt8] { [0x80, 2] + body + [0x2E] }
  func text(_ s: String) -> [UInt8] { Array(s.utf8) }
  func binunicode(_ s: String) -> [UInt8] {
    [0x58] + withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian, Array.init) + text(s)
  }

  @Test func refusesOsSystemInACheckpoint() throws {
    let dir = try TempDir()
    let marker = dir.path("pwned")
    // OrderedDict(x=os.system('touch <marker>'))
    let pickle = p2(
      text("ccollections\nOrderedDict\n") + [0x29, 0x52] + binunicode("x") + text("cos\nsystem\n")
        + binunicode("touch \(marker)") + [0x85, 0x52, 0x73])
    let path = dir.path("evil.pt")
    try makeTorchZip(at: path, pickle: pickle)
    expectVistaError(containing: [
      "checkpoint '\(path)'", "refusing to load global 'os.system'",
      "only tensors and plain containers are allowed",
    ]) { _ = try Checkpoint.load(path) }
    #expect(!FileManager.default.fileExists(atPath: marker))
  }

  @Test func refusesBuiltinsEvalThroughStackGlobal() {
    let body: [UInt8] =
      [0x8C, 8] + text("builtins") + [0x8C, 4] + text("eval") + [0x93, 0x8C, 3] + text("1+1") + [
        0x85, 0x52,
      ]
    expectVistaError(containing: ["refusing to load global 'builtins.eval'"]) {
      _ = try kindOf([0x80, 4] + body + [0x2E])
    }
  }

  @Test func refusesPythonWrittenMaliciousFixtures() {
    expectVistaError(containing: [
      "malicious_os_system.pt", "refusing to load global 'posix.system'",
    ]) {
      _ = try Checkpoint.load(CheckpointFixtures.path("malicious_os_system.pt"))
    }
    expectVistaError(containing: [
      "malicious_eval.pt", "refusing to load global '__builtin__.eval'",
    ]) {
      _ = try Checkpoint.load(CheckpointFixtures.path("malicious_eval.pt"))
    }
  }

  @Test func refusesCallingAStorageClass() {
    expectVistaError(containing: ["refusing to call 'torch.FloatStorage'"]) {
      _ = try kindOf(p2(text("ctorch\nFloatStorage\n") + [0x29, 0x52]))
    }
  }

  @Test func refusesObjectConstructionOpcodes() {
    expectVistaError(containing: ["refusing pickle opcode NEWOBJ"]) {
      _ = try kindOf(p2(text("ccollections\nOrderedDict\n") + [0x29, 0x81]))
    }
    expectVistaError(containing: ["refusing pickle opcode INST"]) {
      _ = try kindOf(p2([0x28] + text("ios\nsystem\n")))
    }
    expectVistaError(containing: ["refusing pickle opcode OBJ"]) {
      _ = try kindOf(p2([0x28, 0x6F]))
    }
    expectVistaError(containing: ["refusing pickle opcode EXT1"]) { _ = try kindOf(p2([0x82, 1])) }
  }

  @Test func refusesStateOnNonContainers() {
    // BUILD on a class object (how __setstate__-style exploits start).
    expectVistaError(containing: ["refusing to set state on a collections.OrderedDict"]) {
      _ = try kindOf(p2(text("ccollections\nOrderedDict\n") + [0x7D, 0x62]))
    }
  }

  @Test func buildsPlainContainersAndScalars() throws {
    // {'a': [1, -2, 300, 70000, 2**40, 1.5, None, True, 'é', b'\x01'], 'b': (1, 2, 3, 4)}
    var body: [UInt8] =
      [0x7D, 0x28] + binunicode("a") + [0x5D, 0x28, 0x4B, 1, 0x4A]
      + withUnsafeBytes(of: Int32(-2).littleEndian, Array.init)
    body += [0x4D, 0x2C, 0x01, 0x4A] + withUnsafeBytes(of: Int32(70000).littleEndian, Array.init)
    body += [0x8A, 6, 0, 0, 0, 0, 0, 1]  // LONG1 2**40
    body += [0x47, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0]  // BINFLOAT 1.5 (big-endian)
    body += [0x4E, 0x88] + binunicode("é") + [0x43, 1, 1, 0x65]
    body += binunicode("b") + [0x28, 0x4B, 1, 0x4B, 2, 0x4B, 3, 0x4B, 4, 0x74, 0x75]
    guard case .dict(let d) = try unpickle(p2(body)), case .list(let l)? = d["a"],
      case .tuple(let t)? = d["b"]
    else {
      Issue.record("unexpected structure")
      return
    }
    #expect(l.items.compactMap(\.intValue).prefix(5) == [1, -2, 300, 70000, 1 << 40])
    guard case .float(let f) = l.items[5], case .none = l.items[6],
      case .string(let s) = l.items[8],
      case .bytes(let b) = l.items[9]
    else {
      Issue.record("unexpected scalars \(l.items.map(\.kind))")
      return
    }
    #expect(f == 1.5 && s == "é" && b == [1])
    #expect(t.items.compactMap(\.intValue) == [1, 2, 3, 4])
  }

  @Test func memoSharesMutableContainers() throws {
    // l = []; memo[0] = l; d = {'x': l}; l.append(7)  → d['x'] sees 7
    let body: [UInt8] =
      [0x5D, 0x71, 0, 0x30, 0x7D, 0x28] + binunicode("x") + [
        0x68, 0, 0x75, 0x68, 0, 0x4B, 7, 0x61, 0x30,
      ]
    guard case .dict(let d) = try unpickle(p2(body)), case .list(let l)? = d["x"] else {
      Issue.record("unexpected structure")
      return
    }
    #expect(l.items.compactMap(\.intValue) == [7])
  }

  @Test func writerIntegersReadBack() throws {
    let values = [
      0, 1, 255, 256, 65_535, 65_536, -1, -129, Int(Int32.max), Int(Int32.max) + 1,
      Int(Int32.min) - 1, 1 << 40, -(1 << 40), Int.max, Int.min,
    ]
    var w = PickleWriter()
    w.op(0x80, 2, 0x28)
    for v in values { w.int(v) }
    w.op(0x74, 0x2E)
    guard case .tuple(let t) = try unpickle(w.bytes) else {
      Issue.record("not a tuple")
      return
    }
    #expect(t.items.compactMap(\.intValue) == values)
  }

  @Test func deepNestingIsTakenApartWithoutRecursion() throws {
    let depth = 200_000
    // ((((1,),),),…) 200,000 deep.
    let tuples: [UInt8] = [0x80, 2, 0x4B, 1] + [UInt8](repeating: 0x85, count: depth) + [0x2E]
    #expect(try kindOf(tuples) == "tuple")
    // [[[[…]]]]: 200,000 empty lists, each appended into the one below.
    let lists: [UInt8] =
      [0x80, 2] + [UInt8](repeating: 0x5D, count: depth)
      + [UInt8](repeating: 0x61, count: depth - 1) + [0x2E]
    #expect(try kindOf(lists) == "list")
    // A list containing itself through the memo (a cycle), then a refused global: error, no leak-crash.
    let cycle: [UInt8] = [0x80, 2, 0x5D, 0x71, 0, 0x68, 0, 0x61] + Array("cos\nsystem\n".utf8)
    expectVistaError(containing: ["os.system"]) { _ = try kindOf(cycle) }
    // A deep value dropped on an error path.
    let dropped: [UInt8] =
      [0x80, 2] + Array("ctorch\nFloatStorage\n".utf8) + [0x4B, 1]
      + [UInt8](repeating: 0x85, count: depth) + [0x52, 0x2E]
    expectVistaError(containing: ["refusing to call"]) { _ = try kindOf(dropped) }
    // And as a checkpoint file.
    let dir = try TempDir()
    let path = dir.path("deep.pt")
    try makeTorchZip(at: path, pickle: tuples)
    expectVistaError(containing: ["holds a tuple, not a state dict"]) {
      _ = try Checkpoint.load(path)
    }
  }

  @Test func malformedPicklesAreErrorsNotCrashes() {
    let cases: [[UInt8]] = [
      [], [0x80], [0x80, 2], [0x80, 9, 0x2E], [0x2E], [0x30, 0x2E], [0x68, 5, 0x2E], [0x74, 0x2E],
      [0x73, 0x2E],
      [0x58, 0xFF, 0xFF, 0xFF, 0x7F], [0x8A, 20] + [UInt8](repeating: 1, count: 20) + [0x2E],
      [0x61, 0x2E],
      [0x28, 0x4B, 1, 0x86, 0x2E], [0x4B, 1, 0x51, 0x2E], [0xFF], [0x63] + Array("torch\n".utf8),
      [0x7D, 0x4B, 1, 0x73, 0x2E],
    ]
    for c in cases {
      #expect(throws: VistaError.self, "\(c)") { _ = try kindOf(c) }
    }
  }

  @Test func everyTruncationAndRandomMutationOfARealPickleIsHandled() throws {
    let archive = try MappedFile(path: CheckpointFixtures.path("wrapped_model.pt"))
    let zip = try ZipArchive(archive.bytes, path: archive.path)
    let pkl = Array(zip.bytes(of: try #require(zip.entry("wrapped_model/data.pkl"))))
    #expect(throws: Never.self) { _ = try kindOf(pkl) }
    var accepted: [Int] = []
    for n in 0..<pkl.count {
      do {
        _ = try kindOf(Array(pkl[0..<n]))
        accepted.append(n)
      } catch is VistaError {} catch { Issue.record("non-Vista error \(error)") }
    }
    #expect(accepted.isEmpty, "truncations that loaded: \(accepted.prefix(5))")
    var rng = RandomGenerator(seed: 7)
    for _ in 0..<1000 {
      var m = pkl
      for _ in 0..<3 { m[rng.nextInt(below: m.count)] = UInt8(truncatingIfNeeded: rng.next()) }
      do { _ = try kindOf(m) } catch is VistaError {} catch {
        Issue.record("non-Vista error \(error)")
      }
    }
  }
}
