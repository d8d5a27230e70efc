import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// The research-repo → MONAI key mapping, checked against the real 259-key VISTA3D listing
/// (`../shared/docs/vista3d-keys.txt`; skipped when ../shared is absent).
@Suite struct VISTA3DKeyMappingTests {
  /// (key, shape) rows of vista3d-keys.txt, in PyTorch order.
  func monaiKeys() throws -> [(key: String, shape: [Int])]? {
    guard let url = Fixtures.shared("docs/vista3d-keys.txt") else { return nil }
    return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line in
      let parts = line.split(separator: " ", maxSplits: 2)
      guard parts.count == 3, Int(parts[0]) != nil, let open = line.firstIndex(of: "["),
        let close = line.firstIndex(of: "]")
      else { return nil }
      let dims = line[line.index(after: open)..<close].split(separator: ",").map {
        Int($0.trimmingCharacters(in: .whitespaces))!
      }
      return (String(parts[1]), dims)
    }
  }

  @Test func researchCheckpointMapsOntoMONAIKeysExactly() throws {
    guard let monai = try monaiKeys() else { return }
    #expect(monai.count == 259)
    // A research-style state dict: lin1/lin2 names, the 16 extras, "module." prefix; tiny tensors.
    var research: [(String, Tensor)] = monai.map { row in
      let k = row.key.replacingOccurrences(of: ".mlp.linear1.", with: ".mlp.lin1.")
        .replacingOccurrences(of: ".mlp.linear2.", with: ".mlp.lin2.")
      return ("module." + k, Tensor([0]))
    }
    var extras: [String] = []
    for i in 0..<2 {
      for l in 0..<3 {
        for p in ["weight", "bias"] {
          extras.append("point_head.output_add_hypernetworks_mlps.\(i).layers.\(l).\(p)")
        }
      }
    }
    extras += [
      "weight_mapper.0.weight", "weight_mapper.0.bias", "weight_mapper.3.weight",
      "weight_mapper.3.bias",
    ]
    research += extras.map { ("module." + $0, Tensor([0])) }
    let (sd, report) = try Checkpoint.normalize(
      StateDict(research, source: "model_monai1.3.pt"), options: Checkpoint.LoadOptions(),
      report: Checkpoint.LoadReport(format: .torch))
    #expect(sd.keys == monai.map(\.key))
    #expect(report.strippedModulePrefix && report.renamed.count == 8 && report.dropped == extras)
    // Shapes aside (tiny tensors here), strict matching then reports only shape mismatches.
    let (_, match) = try StateDictMatcher.match(sd, expected: monai, strict: false)
    #expect(match.missing.isEmpty && match.unexpected.isEmpty && match.shapeMismatches.count == 259)
  }
}
