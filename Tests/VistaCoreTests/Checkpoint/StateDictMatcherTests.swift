import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// Strict and lenient matching against a model's keys and shapes, and StateDict basics.
@Suite struct StateDictMatcherTests {
  let sd = StateDict(
    [
      ("a.weight", Tensor(zeros: [2, 3])), ("a.bias", Tensor(zeros: [2])),
      ("b.weight", Tensor(zeros: [4])),
    ],
    source: "x.pt")

  @Test func strictMatchPassesInModelOrder() throws {
    let (m, report) = try StateDictMatcher.match(
      sd, expected: [("b.weight", [4]), ("a.weight", [2, 3]), ("a.bias", [2])])
    #expect(m.keys == ["b.weight", "a.weight", "a.bias"])
    #expect(report.isComplete && report.matchedCount == 3)
  }

  @Test func strictListsEverythingInOneError() {
    expectVistaError(containing: [
      "checkpoint 'x.pt' does not match the model (1 missing key, 1 unexpected key, 1 shape mismatch)",
      "missing (1): c.weight", "unexpected (1): b.weight",
      "a.weight: checkpoint [2, 3], model [3, 2]", "strict=false",
    ]) {
      _ = try StateDictMatcher.match(
        sd, expected: [("a.weight", [3, 2]), ("a.bias", [2]), ("c.weight", [1])])
    }
  }

  @Test func longListsAreTruncatedWithCounts() {
    let expected = (0..<30).map { (key: "m.\($0).weight", shape: [1]) }
    expectVistaError(containing: [
      "30 missing keys", "missing (30): m.0.weight", "m.9.weight, … and 20 more",
      "3 unexpected keys",
    ]) {
      _ = try StateDictMatcher.match(sd, expected: expected)
    }
  }

  @Test func lenientReportsWhatWasSkipped() throws {
    let (m, report) = try StateDictMatcher.match(
      sd, expected: [("a.weight", [3, 2]), ("a.bias", [2]), ("c.weight", [1])], strict: false)
    #expect(m.keys == ["a.bias"])
    #expect(report.missing == ["c.weight"] && report.unexpected == ["b.weight"])
    #expect(report.shapeMismatches.map(\.key) == ["a.weight"])
    #expect(report.description.contains("loaded 1 keys") && report.description.contains("c.weight"))
  }

  @Test func loadsIntoParametersOnlyWhenStrictMatchSucceeds() throws {
    let source = StateDict([("p", Tensor([1, 2])), ("q", Tensor([3]))])
    let p = Parameter("p", Tensor(zeros: [2]))
    let q = Parameter("q", Tensor(zeros: [2]))  // wrong shape
    #expect(throws: VistaError.self) { try StateDictMatcher.load(source, into: [p, q]) }
    #expect(p.value.scalars == [0, 0])
    let report = try StateDictMatcher.load(source, into: [p, q], strict: false)
    #expect(
      p.value.scalars == [1, 2] && q.value.scalars == [0, 0] && report.shapeMismatches.count == 1)
    // A buffer the caller loads itself is expected but not assigned.
    let fresh = Parameter("p", Tensor(zeros: [2]))
    let strictReport = try StateDictMatcher.load(source, into: [fresh], extraKeys: [("q", [1])])
    #expect(
      fresh.value.scalars == [1, 2] && strictReport.isComplete && strictReport.matchedCount == 2)
  }

  @Test func stateDictEditing() throws {
    var d = sd
    d["a.bias"] = .float(Tensor([5, 6]), .float32)
    #expect(d.keys == ["a.weight", "a.bias", "b.weight"])
    #expect(try d.tensor("a.bias").scalars == [5, 6])
    d["a.weight"] = nil
    #expect(d.keys == ["a.bias", "b.weight"] && d.contains("b.weight") && !d.contains("a.weight"))
    #expect(d["b.weight"]?.shape == [4])
    expectVistaError(containing: ["renaming 'b.weight' gives 'a.bias'"]) {
      _ = try d.renamingKeys { $0 == "b.weight" ? "a.bias" : $0 }
    }
    #expect(StateDict(parameters: [Parameter("z", Tensor([1]))]).keys == ["z"])
    #expect(sd.elementCount == 12)
  }
}
