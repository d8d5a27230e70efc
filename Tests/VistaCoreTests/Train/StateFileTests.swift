import Foundation
import Testing

@testable import VistaCore

@Suite struct StateFileTests {
  private func tempFile() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "vista-state-\(UUID().uuidString).safetensors")
  }

  @Test func tensorsAndMetadataRoundTrip() throws {
    let url = tempFile()
    defer { try? FileManager.default.removeItem(at: url) }
    var rng = RandomGenerator(seed: 3)
    let tensors = [
      "a.exp_avg": Tensor.normal([3, 4], using: &rng), "b": Tensor(scalar: 2.5),
      "empty": Tensor(zeros: [0, 3]),
    ]
    try StateFile.write(tensors, metadata: ["kind": "adam"], to: url)
    let (back, meta) = try StateFile.read(url)
    #expect(back == tensors)
    #expect(meta == ["kind": "adam"])
    // overwrite keeps a single file, no temp left
    try StateFile.write(["x": Tensor([1])], to: url)
    #expect(try StateFile.read(url).tensors == ["x": Tensor([1])])
    let dir = url.deletingLastPathComponent().path
    #expect(
      !(try FileManager.default.contentsOfDirectory(atPath: dir)).contains {
        $0.contains(url.lastPathComponent + ".tmp")
      })
  }

  @Test func optimizerResumesFromFileBitForBit() throws {
    let url = tempFile()
    defer { try? FileManager.default.removeItem(at: url) }
    var rng = RandomGenerator(seed: 8)
    let w0 = Tensor.normal([5, 3], using: &rng)
    let grads = (0..<6).map { _ in Tensor.normal([5, 3], using: &rng) }
    // Uninterrupted run.
    let straight = Parameter("w", w0)
    let opt = try AdamW([straight], lr: 0.01, weightDecay: 0.1)
    for g in grads {
      straight.grad = g
      try opt.step()
    }
    // Interrupted after 3 steps: save, rebuild, load, continue.
    var resumed = Parameter("w", w0)
    var opt2: Optimizer = try AdamW([resumed], lr: 0.01, weightDecay: 0.1)
    for (i, g) in grads.enumerated() {
      if i == 3 {
        try opt2.stateDict().save(to: url)
        resumed = Parameter("w", resumed.value)
        opt2 = try AdamW([resumed], lr: 0.5, weightDecay: 0.1)
        try opt2.loadStateDict(try OptimizerState.load(from: url))
        #expect(opt2.lr == 0.01)
      }
      resumed.grad = g
      try opt2.step()
    }
    #expect(resumed.value == straight.value)
  }

  @Test func rejectsGarbage() throws {
    let url = tempFile()
    defer { try? FileManager.default.removeItem(at: url) }
    try Data("not a state file at all".utf8).write(to: url)
    #expect(throws: VistaError.self) { try StateFile.read(url) }
    try StateFile.write(["x": Tensor([1])], to: url)
    #expect(throws: VistaError.self) { try OptimizerState.load(from: url) }
  }
}

@Suite struct StateFileCorruptionTests {
  @Test func corruptHeadersThrowInsteadOfCrashing() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vista-corrupt-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: url) }
    func write(_ header: String, length: UInt64? = nil, body: Int = 8) throws {
      var d = Data()
      withUnsafeBytes(of: (length ?? UInt64(header.utf8.count)).littleEndian) { d.append(contentsOf: $0) }
      d.append(Data(header.utf8))
      d.append(Data(count: body))
      try d.write(to: url)
    }
    let cases = [
      #"{"a": {"dtype": "F32", "shape": [-1, -2], "data_offsets": [0, 8]}}"#,
      #"{"a": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 8]}}"#,
      #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [9223372036854775800, 9223372036854775807]}}"#,
      #"{"a": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}"#,
      #"[1, 2]"#,
    ]
    for header in cases {
      try write(header)
      #expect(throws: VistaError.self) { try StateFile.read(url) }
    }
    try write("{}", length: UInt64.max)
    #expect(throws: VistaError.self) { try StateFile.read(url) }
  }
}
