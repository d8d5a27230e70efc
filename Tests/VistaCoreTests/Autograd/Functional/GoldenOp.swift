import Foundation
import Testing
import TestSupport
import VistaCore

/// A PyTorch golden case from scripts/dev/golden/ops.py: inputs, output, upstream and input grads.
struct GoldenOp {
  let name: String

  init(_ name: String) { self.name = name }

  private func url(_ suffix: String) -> URL { Fixtures.golden("ops/\(name)_\(suffix).npy") }

  /// Float input i.
  func input(_ i: Int) throws -> Tensor { try NPY.readTensor(url("in\(i)")) }
  /// Integer input i.
  func intInput(_ i: Int) throws -> IntTensor { try NPY.readIntTensor(url("in\(i)")) }

  /// Runs `f` on float inputs `0..<count`, compares the output and every input gradient PyTorch
  /// saved (after back-propagating its upstream gradient) with relative tolerance `tol`.
  func check(
    inputs count: Int, tol: Float = 1e-5, gradTol: Float = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Variable]) throws -> Variable
  ) throws {
    var vars: [Variable] = []
    var hasGrad: [Bool] = []
    for i in 0..<count {
      let t = try input(i)
      let g = FileManager.default.fileExists(atPath: url("g\(i)").path)
      hasGrad.append(g)
      vars.append(g ? Variable.leaf(t) : Variable(t))
    }
    let y = try f(vars)
    expectRelativeClose(y.value, try NPY.readTensor(url("y")), tol: tol, "\(name) forward", sourceLocation: sourceLocation)
    guard hasGrad.contains(true) else { return }
    try y.backward(seed: try NPY.readTensor(url("gy")))
    for i in 0..<count where hasGrad[i] {
      guard let g = vars[i].grad else {
        Issue.record("\(name): no gradient for input \(i)", sourceLocation: sourceLocation)
        continue
      }
      expectRelativeClose(g, try NPY.readTensor(url("g\(i)")), tol: gradTol, "\(name) grad \(i)", sourceLocation: sourceLocation)
    }
  }
}

/// Uniform values in [-1, 1] shaped `shape`, pushed at least `gap` away from 0 (for kinks).
func testTensor(_ shape: [Int], seed: UInt64 = 1, gap: Float = 0, scale: Float = 1) -> Tensor {
  var rng = RandomGenerator(seed: seed)
  return Tensor.uniform(shape, low: -1, high: 1, using: &rng).map { v in
    (v < 0 ? min(v, -gap) : max(v, gap)) * scale
  }
}

/// Expects `body` to throw a VistaError whose message contains every string in `parts`.
func expectVistaError(
  _ parts: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Any
) {
  do {
    _ = try body()
    Issue.record("expected a VistaError mentioning \(parts)", sourceLocation: sourceLocation)
  } catch let e as VistaError {
    for p in parts where !e.message.contains(p) {
      Issue.record("error \"\(e.message)\" does not mention \"\(p)\"", sourceLocation: sourceLocation)
    }
  } catch {
    Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
  }
}
