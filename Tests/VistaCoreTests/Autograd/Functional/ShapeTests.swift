import Testing
import TestSupport
@testable import VistaCore

@Suite struct ShapeTests {
  let x = Variable(try! Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Float.init)))

  @Test func reshapeAndUnsqueeze() throws {
    #expect(try reshape(x, [3, -1]).shape == [3, 4])
    #expect(try unsqueeze(x, axis: -1).shape == [2, 3, 2, 1])
    #expect(try squeeze(unsqueeze(x, axis: 1), axis: 1).shape == [2, 3, 2])
    expectVistaError(["squeeze", "[2, 3, 2]", "axis 0"]) { try squeeze(x, axis: 0) }
    expectVistaError(["reshape", "[2, 3, 2]", "[5, -1]"]) { try reshape(x, [5, -1]) }
  }

  @Test func permuteAndTranspose() throws {
    // y[i, j, k] = x[k, i, j]: x dims (2, 3, 2) → y dims (3, 2, 2).
    let y = try permute(x, [1, 2, 0])
    #expect(y.shape == [3, 2, 2])
    #expect(y.value.scalars == [0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11])
    let t = try transpose(x, 0, -1)
    #expect(t.shape == [2, 3, 2])
    #expect(t.value.scalars == [0, 6, 2, 8, 4, 10, 1, 7, 3, 9, 5, 11])
    expectVistaError(["permute", "[2, 3, 2]"]) { try permute(x, [0, 0, 1]) }
  }

  /// Transposes of the last two dimensions big enough for the tiled copy (partial 32×32 tiles,
  /// batched and not, with a size-1 dimension merged away) match plain indexing.
  @Test(arguments: [[3, 40, 50], [1, 48, 70], [2, 1, 33, 9]])
  func tiledTransposeMatchesIndexing(_ shape: [Int]) throws {
    let n = shape.elementCount
    let x = Variable(try Tensor(shape: shape, scalars: (0..<n).map { Float($0) }))
    let r = shape.count
    let y = try transpose(x, r - 2, r - 1)
    let (rows, cols) = (shape[r - 2], shape[r - 1])
    let outer = n / (rows * cols)
    var want = [Float](repeating: 0, count: n)
    for b in 0..<outer {
      for j in 0..<cols {
        for i in 0..<rows { want[(b * cols + j) * rows + i] = Float((b * rows + i) * cols + j) }
      }
    }
    #expect(y.value.scalars == want)
    // These shapes take the tiled path (it returns nil for plans it does not cover).
    let plan = StridedPlan(shape: [outer, cols, rows], strides: [[rows * cols, 1, cols]])
    #expect(transposeCopy(x.value, plan: plan, outShape: y.shape) == y.value)
  }

  @Test func concatAndSlice() throws {
    let a = Variable(try Tensor(shape: [2, 1], scalars: [1, 2]))
    let b = Variable(try Tensor(shape: [2, 2], scalars: [3, 4, 5, 6]))
    let c = try concat([a, b], axis: -1)
    #expect(c.value == (try Tensor(shape: [2, 3], scalars: [1, 3, 4, 2, 5, 6])))
    #expect(try slice(c, axis: 1, range: 1..<3).value == b.value)
    #expect(try slice(x, axis: 0, range: 1..<2).value.scalars == (6..<12).map(Float.init))
    expectVistaError(["concat", "[2, 1]", "[3, 2]"]) { try concat([a, Variable(Tensor(zeros: [3, 2]))], axis: 1) }
    expectVistaError(["slice", "[2, 3, 2]", "1..<4"]) { try slice(x, axis: 1, range: 1..<4) }
  }

  @Test func indexSelectAndBroadcast() throws {
    let y = try indexSelect(x, axis: 1, indices: IntTensor([2, 0, 2]))
    #expect(y.shape == [2, 3, 2])
    #expect(y.value.scalars == [4, 5, 0, 1, 4, 5, 10, 11, 6, 7, 10, 11])
    expectVistaError(["indexSelect", "index 3", "[2, 3, 2]"]) { try indexSelect(x, axis: 1, indices: IntTensor([3])) }
    let b = try broadcast(Variable(Tensor([1, 2])), to: [3, 2])
    #expect(b.value.scalars == [1, 2, 1, 2, 1, 2])
    expectVistaError(["broadcast", "[3]", "[2, 2]"]) { try broadcast(Variable(Tensor([1, 2, 3])), to: [2, 2]) }
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    let t = testTensor([2, 3, 4], seed: 1)
    try gradcheck([t], "permute") { v in try permute(v[0], [2, 0, 1]) }
    try gradcheck([t], "transpose") { v in try transpose(v[0], -1, -2) }
    try gradcheck([t, testTensor([2, 1, 4], seed: 2)], "concat") { v in try concat([v[0], v[1]], axis: 1) }
    try gradcheck([t], "slice") { v in try slice(v[0], axis: -1, range: 1..<3) }
    try gradcheck([t], "indexSelect") { v in try indexSelect(v[0], axis: 1, indices: IntTensor([2, 2, 0])) }
    try gradcheck([testTensor([3, 1], seed: 3)], "broadcast") { v in try broadcast(v[0], to: [2, 3, 4]) }
    try gradcheck([t], "reshape") { v in try reshape(v[0], [4, -1]) }
  }
}
