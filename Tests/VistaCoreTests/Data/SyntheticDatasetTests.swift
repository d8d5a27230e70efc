import Foundation
import TestSupport
import Testing

@testable import VistaCore

@Suite struct SyntheticDatasetTests {
  func tempDir() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "synth-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  /// World-space centroid of voxels with `value` (after reorienting to RAS).
  func centroid(_ label: Volume, _ value: Float) -> [Double]? {
    let s = label.spatialShape
    var sum = [0.0, 0.0, 0.0]
    var n = 0
    for i in 0..<s[0] {
      for j in 0..<s[1] {
        for k in 0..<s[2] where label.array.scalars[(i * s[1] + j) * s[2] + k] == value {
          let w = label.affine.apply([Double(i), Double(j), Double(k)])
          for d in 0..<3 { sum[d] += w[d] }
          n += 1
        }
      }
    }
    return n == 0 ? nil : sum.map { $0 / Double(n) }
  }

  @Test func writesAnMSDFolderWithPlausibleAnatomy() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    try SyntheticDataset.write(to: dir, cases: 3, size: [40, 40, 24], seed: 5)
    let data = try Dataset(path: dir)
    #expect(data.count == 3)
    #expect(data.labelNames == [0: "background", 1: "spleen", 2: "liver"])
    for item in data.items {
      let c = try Case(loading: item)
      #expect(c.image.dtype == "int16" && c.label?.dtype == "uint8")
      #expect(c.image.axcodes == "LPS")
      #expect(c.image.spacing.map { ($0 * 100).rounded() / 100 } == [0.8, 0.8, 2.5])
      let hu = c.image.array.scalars
      #expect(hu.min()! <= -990 && hu.max()! >= 600, "air and bone present")
      let label = try Orientation()(c.label!)
      let spleen = try #require(centroid(label, 1), "\(item.name) has a spleen")
      let liver = try #require(centroid(label, 2), "\(item.name) has a liver")
      #expect(spleen[0] < liver[0], "spleen on the patient's left (RAS x smaller)")
      // spleen HU is soft tissue
      let spleenHU = zip(hu, c.label!.array.scalars).filter { $0.1 == 1 }.map { Double($0.0) }
      let mean = spleenHU.reduce(0, +) / Double(spleenHU.count)
      #expect(mean > 35 && mean < 65, "spleen mean \(mean) HU")
    }
  }

  @Test func sameSeedSameCasesDifferentSeedDifferent() throws {
    let (a1, l1) = SyntheticDataset.makeCase(index: 1, size: [24, 24, 16], seed: 0)
    let (a2, l2) = SyntheticDataset.makeCase(index: 1, size: [24, 24, 16], seed: 0)
    let (b, _) = SyntheticDataset.makeCase(index: 2, size: [24, 24, 16], seed: 0)
    #expect(a1.array == a2.array && l1.array == l2.array)
    #expect(a1.array != b.array)
  }

  @Test func rejectsBadArguments() {
    #expect(throws: VistaError.self) {
      try SyntheticDataset.write(to: URL(fileURLWithPath: "/tmp/x"), cases: 0)
    }
    #expect(throws: VistaError.self) {
      try SyntheticDataset.write(to: URL(fileURLWithPath: "/tmp/x"), size: [8, 8])
    }
  }
}
