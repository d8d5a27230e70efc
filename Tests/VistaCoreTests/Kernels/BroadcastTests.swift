import Testing
import TestSupport
@testable import VistaCore

/// Naive reference: the element of `t` at output multi-index `idx` under broadcasting.
func broadcastElement(_ t: Tensor, _ idx: [Int]) -> Float {
  let lead = idx.count - t.shape.count
  var off = 0
  for (d, s) in t.shape.enumerated() {
    let i = s == 1 ? 0 : idx[lead + d]
    off = off * s + i
  }
  return t.scalars[off]
}

/// Row-major multi-index of flat position `e` in `shape`.
func multiIndex(_ e: Int, _ shape: [Int]) -> [Int] {
  var idx = [Int](repeating: 0, count: shape.count)
  var r = e
  for d in shape.indices.reversed() {
    idx[d] = r % shape[d]
    r /= shape[d]
  }
  return idx
}

@Suite struct BroadcastTests {
  @Test func shapeRules() {
    #expect(broadcastShape([2, 1, 4], [3, 1]) == [2, 3, 4])
    #expect(broadcastShape([], [5]) == [5])
    #expect(broadcastShape([0, 1], [1, 3]) == [0, 3])
    #expect(broadcastShape([2, 3], [3, 2]) == nil)
  }

  @Test func planMergesContiguousDimensions() {
    // [N, C, D, H, W] + [1, C, 1, 1, 1]: spatial dims merge into one run, batch and channel stay.
    let shape = [2, 3, 4, 5, 6]
    let plan = StridedPlan(
      shape: shape, strides: [shape.contiguousStrides, broadcastStrides([1, 3, 1, 1, 1], to: shape)])
    #expect(plan.shape == [2, 3, 120])
    #expect(plan.strides[1] == [0, 1, 0])
  }

  @Test(arguments: [
    ([64, 3, 1, 130], [3, 257, 1]), ([2, 48, 700], [1, 48, 1]), ([1000, 70], [70]), ([5, 1], [1, 9001]),
    ([130, 257], [130, 257]), ([3, 1, 1], [2, 5]),
  ])
  func binaryMatchesNaiveReference(_ sa: [Int], _ sb: [Int]) throws {
    var rng = RandomGenerator(seed: 3)
    let a = Tensor.uniform(sa, low: -2, high: 2, using: &rng)
    let b = Tensor.uniform(sb, low: 0.5, high: 2, using: &rng)
    let shape = try #require(broadcastShape(sa, sb))
    let y = broadcastBinary(DivKernel(), a, b, outShape: shape)
    var bad = 0
    for e in stride(from: 0, to: y.count, by: max(1, y.count / 5000)) {
      let idx = multiIndex(e, shape)
      if y.scalars[e] != broadcastElement(a, idx) / broadcastElement(b, idx) { bad += 1 }
    }
    #expect(bad == 0)
  }

  @Test func reduceToShapeSumsStretchedDims() throws {
    let g = Tensor(repeating: 1, shape: [2, 3, 4])
    #expect(reduceToShape(g, [3, 1]) == (try Tensor(shape: [3, 1], scalars: [8, 8, 8])))
    #expect(reduceToShape(g, []) == Tensor(scalar: 24))
    #expect(reduceToShape(g, [1, 1, 4]) == (try Tensor(shape: [1, 1, 4], scalars: [6, 6, 6, 6])))
  }

  @Test func broadcastCopyLargeMatchesReference() {
    let t = Tensor.arange(48)
    let big = broadcastCopy(try! t.reshaped([1, 48, 1]), to: [2, 48, 1000])
    #expect(big.scalars[0] == 0 && big.scalars[999] == 0 && big.scalars[1000] == 1)
    #expect(big.scalars[48_000 + 47 * 1000 + 5] == 47)
  }
}
