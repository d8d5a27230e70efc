import Testing
import TestSupport
@testable import VistaCore

/// Naive Double reference of a sum over `axes` with keepDims.
func naiveSum(_ x: Tensor, axes: [Int]) -> [Double] {
  let outShape = x.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
  var out = [Double](repeating: 0, count: outShape.elementCount)
  for e in 0..<x.count {
    var idx = multiIndex(e, x.shape)
    for a in axes { idx[a] = 0 }
    var off = 0
    for (d, s) in outShape.enumerated() { off = off * s + idx[d] }
    out[off] += Double(x.scalars[e])
  }
  return out
}

@Suite struct ReductionKernelsTests {
  @Test(arguments: [
    ([3, 4, 5], [0]), ([3, 4, 5], [1]), ([3, 4, 5], [2]), ([3, 4, 5], [0, 2]), ([3, 4, 5], [0, 1, 2]),
    ([2, 1, 7, 3], [1, 3]), ([9, 1100], [0]), ([1100, 9], [1]), ([2, 48, 333], [0, 2]), ([2, 3, 4, 5, 6], [1, 3]),
  ])
  func sumMatchesNaiveReference(_ shape: [Int], _ axes: [Int]) {
    var rng = RandomGenerator(seed: 8)
    let x = Tensor.uniform(shape, low: -1, high: 1, using: &rng)
    let y = sumAxes(x, axes: axes, keepDims: true)
    let ref = naiveSum(x, axes: axes)
    #expect(y.count == ref.count)
    var worst = 0.0
    for i in ref.indices { worst = max(worst, Swift.abs(Double(y.scalars[i]) - ref[i])) }
    #expect(worst < 1e-4)
  }

  @Test func sumRunIsAccurateOnLongRuns() {
    // 1e6 copies of 0.1: naive Float accumulation drifts by ~1e3 ulps; blocked Double does not.
    let x = Tensor(repeating: 0.1, shape: [1_000_003])
    let s = x.withUnsafeBufferPointer { sumRun($0.baseAddress!, x.count) }
    #expect(Swift.abs(s - 100_000.3) / 100_000.3 < 1e-6)
  }
}

@Suite struct ReductionKernelsLargeTests {
  @Test(arguments: [([300_001], [0]), ([2, 3, 50_000], [0, 2]), ([70_000, 5], [0]), ([5, 70_000], [1, 0])])
  func fewOutputsSplitAcrossCores(_ shape: [Int], _ axes: [Int]) {
    var rng = RandomGenerator(seed: 9)
    let x = Tensor.uniform(shape, low: -1, high: 1, using: &rng)
    let y = sumAxes(x, axes: axes.sorted(), keepDims: true)
    let ref = naiveSum(x, axes: axes)
    var worst = 0.0
    for i in ref.indices { worst = max(worst, Swift.abs(Double(y.scalars[i]) - ref[i])) }
    #expect(worst < 1e-3)
  }
}
