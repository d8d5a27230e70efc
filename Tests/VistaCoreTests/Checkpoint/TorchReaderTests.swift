import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// Loads torch.save fixtures written by PyTorch and compares every value exactly.
@Suite struct TorchReaderTests {
  /// Loads `file` and checks keys, order, dtypes, shapes and values against `<dir>/<key>.npy`.
  func checkFixture(_ file: String, dir: String, sourceLocation: SourceLocation = #_sourceLocation)
    throws
    -> Checkpoint.LoadReport
  {
    let (sd, report) = try Checkpoint.read(CheckpointFixtures.path(file))
    let rows = try CheckpointFixtures.manifest(file)
    #expect(sd.keys == rows.map(\.key), sourceLocation: sourceLocation)
    for row in rows {
      let v = try #require(sd[row.key], sourceLocation: sourceLocation)
      #expect(v.dtype.rawValue == row.dtype, "\(row.key)", sourceLocation: sourceLocation)
      #expect(v.shape == row.shape, "\(row.key)", sourceLocation: sourceLocation)
      switch (v, try CheckpointFixtures.expected(dir, row.key)) {
      case (.float(let got, _), .float(let want, _)):
        #expect(
          got.scalars.map(\.bitPattern) == want.scalars.map(\.bitPattern), "\(row.key)",
          sourceLocation: sourceLocation)
      case (.int(let got, _), .int(let want, _)):
        #expect(got.scalars == want.scalars, "\(row.key)", sourceLocation: sourceLocation)
      default:
        Issue.record(
          "\(row.key): float/int kind differs from the expected array",
          sourceLocation: sourceLocation)
      }
    }
    return report
  }

  @Test func readsEveryDtypeExactly() throws {
    let report = try checkFixture("dtypes.pt", dir: "dtypes")
    #expect(report.format == .torch && report.notes.isEmpty)
  }

  @Test func readsProtocol4Pickles() throws {
    _ = try checkFixture("protocol4.pt", dir: "dtypes")
  }

  @Test func readsParameters() throws {
    _ = try checkFixture("parameters.pt", dir: "parameters")
  }

  @Test func materializesViewsOffsetsAndSharedStorages() throws {
    _ = try checkFixture("views.pt", dir: "views")
  }

  @Test func unwrapsModelEntryBesideOptimizerState() throws {
    let report = try checkFixture("wrapped_model.pt", dir: "wrapped_model")
    #expect(report.unwrappedKey == "model")
    #expect(!report.strippedModulePrefix)
  }

  @Test func unwrapsStateDictEntryAndStripsModulePrefix() throws {
    let report = try checkFixture("module_prefix.pt", dir: "wrapped_model")
    #expect(report.unwrappedKey == "state_dict")
    #expect(report.strippedModulePrefix)
  }

  @Test func modulePrefixIsKeptWhenAsked() throws {
    var options = Checkpoint.LoadOptions()
    options.stripModulePrefix = false
    let sd = try Checkpoint.load(CheckpointFixtures.path("module_prefix.pt"), options: options)
    #expect(sd.keys.allSatisfy { $0.hasPrefix("module.") })
  }

  @Test func mapsResearchNamesAndReportsDroppedKeys() throws {
    let report = try checkFixture("research.pt", dir: "research")
    #expect(report.renamed.count == 4)
    #expect(
      report.renamed["point_head.transformer.layers.0.mlp.lin1.weight"]
        == "point_head.transformer.layers.0.mlp.linear1.weight")
    #expect(
      report.dropped == [
        "point_head.output_add_hypernetworks_mlps.0.layers.0.weight",
        "point_head.output_add_hypernetworks_mlps.0.layers.0.bias", "weight_mapper.0.weight",
        "weight_mapper.0.bias",
        "weight_mapper.3.weight", "weight_mapper.3.bias",
      ])
    #expect(
      report.notes.contains { $0.contains("dropped 6") && $0.contains("weight_mapper.3.bias") })
  }

  @Test func researchMappingCanBeTurnedOff() throws {
    var options = Checkpoint.LoadOptions()
    options.mapResearchVISTA3DNames = false
    let sd = try Checkpoint.load(CheckpointFixtures.path("research.pt"), options: options)
    #expect(sd.count == 12 && sd.contains("weight_mapper.0.weight"))
  }

  @Test func checksumsVerifyOnRequest() throws {
    var options = Checkpoint.LoadOptions()
    options.verifyChecksums = true
    let a = try Checkpoint.load(CheckpointFixtures.path("dtypes.pt"), options: options)
    let b = try Checkpoint.load(CheckpointFixtures.path("dtypes.pt"))
    #expect(a == b)
  }

  @Test func stateDictKnowsItsSource() throws {
    let sd = try Checkpoint.load(CheckpointFixtures.path("dtypes.pt"))
    #expect(sd.source == CheckpointFixtures.path("dtypes.pt"))
    expectVistaError(containing: ["dtypes.pt", "no key 'nope'"]) { _ = try sd.tensor("nope") }
    #expect(try sd.tensor("i32").scalars == [5, -6, 7])
  }
}
