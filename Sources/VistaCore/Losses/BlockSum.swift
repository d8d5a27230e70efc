/// A parallel sum whose result does not depend on the number of cores: `0..<count` is cut into
/// fixed blocks, `body(range)` returns each block's partial sum (computed on any core) and the
/// partials are added in block order in Double.
func blockSum(_ count: Int, block: Int = 1 << 15, _ body: (Range<Int>) -> Double) -> Double {
  guard count > 0 else { return 0 }
  let blocks = (count + block - 1) / block
  var partial = [Double](repeating: 0, count: blocks)
  partial.withUnsafeMutableBufferPointer { pb in
    let out = pb.baseAddress!
    parallelFor(blocks) { b in
      out[b] = body(b * block..<min(count, (b + 1) * block))
    }
  }
  return partial.reduce(0, +)
}
