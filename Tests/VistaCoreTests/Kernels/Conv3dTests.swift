import TestSupport
import Testing

@testable import VistaCore

// Direct-loop references (the definition of cross-correlation), used by the conv kernel tests.

/// Index of `[a, b, c, d, e]` in a row-major 5-d tensor of shape `s`.
func index5(_ s: [Int], _ a: Int, _ b: Int, _ c: Int, _ d: Int, _ e: Int) -> Int {
  (((a * s[1] + b) * s[2] + c) * s[3] + d) * s[4] + e
}

/// Calls `body(n, co, ci, (od, oh, ow), (id, ih, iw), weightIndex)` for every in-range tap of conv `g`.
func forEachTap(
  _ g: Conv3dGeometry,
  _ body: (Int, Int, Int, (Int, Int, Int), (Int, Int, Int), Int) -> Void
) {
  let k = g.kernel
  let wShape = [g.outChannels, g.inChannels, k, k, k]
  for n in 0..<g.batch {
    for co in 0..<g.outChannels {
      for od in 0..<g.outD {
        for oh in 0..<g.outH {
          for ow in 0..<g.outW {
            for ci in 0..<g.inChannels {
              for kd in 0..<k {
                for kh in 0..<k {
                  for kw in 0..<k {
                    let id = od * g.stride - g.padding + kd
                    let ih = oh * g.stride - g.padding + kh
                    let iw = ow * g.stride - g.padding + kw
                    guard id >= 0, id < g.inD, ih >= 0, ih < g.inH, iw >= 0, iw < g.inW else {
                      continue
                    }
                    body(n, co, ci, (od, oh, ow), (id, ih, iw), index5(wShape, co, ci, kd, kh, kw))
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

/// Shapes of x, w, y for conv `g`.
func convShapes(_ g: Conv3dGeometry) -> (x: [Int], w: [Int], y: [Int]) {
  let k = g.kernel
  return (
    [g.batch, g.inChannels, g.inD, g.inH, g.inW], [g.outChannels, g.inChannels, k, k, k],
    [g.batch, g.outChannels, g.outD, g.outH, g.outW]
  )
}

/// Reference forward conv, accumulated in Double.
func naiveConv(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ g: Conv3dGeometry) -> Tensor {
  let (xs, _, ys) = convShapes(g)
  var y = [Double](repeating: 0, count: ys.elementCount)
  forEachTap(g) { n, co, ci, o, i, wi in
    y[index5(ys, n, co, o.0, o.1, o.2)] +=
      Double(x.scalars[index5(xs, n, ci, i.0, i.1, i.2)]) * Double(w.scalars[wi])
  }
  if let b {
    for j in y.indices { y[j] += Double(b.scalars[(j / g.outVoxels) % g.outChannels]) }
  }
  return Tensor(unchecked: ys, y.map { Float($0) })
}

/// Reference input gradient (the adjoint of `naiveConv`).
func naiveConvInputGrad(_ dy: Tensor, _ w: Tensor, _ g: Conv3dGeometry) -> Tensor {
  let (xs, _, ys) = convShapes(g)
  var dx = [Double](repeating: 0, count: xs.elementCount)
  forEachTap(g) { n, co, ci, o, i, wi in
    dx[index5(xs, n, ci, i.0, i.1, i.2)] +=
      Double(dy.scalars[index5(ys, n, co, o.0, o.1, o.2)]) * Double(w.scalars[wi])
  }
  return Tensor(unchecked: xs, dx.map { Float($0) })
}

/// Reference weight gradient.
func naiveConvWeightGrad(_ x: Tensor, _ dy: Tensor, _ g: Conv3dGeometry) -> Tensor {
  let (xs, ws, ys) = convShapes(g)
  var dw = [Double](repeating: 0, count: ws.elementCount)
  forEachTap(g) { n, co, ci, o, i, wi in
    dw[wi] +=
      Double(dy.scalars[index5(ys, n, co, o.0, o.1, o.2)])
      * Double(x.scalars[index5(xs, n, ci, i.0, i.1, i.2)])
  }
  return Tensor(unchecked: ws, dw.map { Float($0) })
}

@Suite struct Conv3dTests {
  /// Small geometries: 3×3×3 same-padding, stride 2 on odd sizes, 1 channel, batch 2, k1, k2, k5.
  static let geometries: [Conv3dGeometry] = [
    Conv3dGeometry(
      batch: 1, inChannels: 3, outChannels: 4, inSize: (5, 6, 7), kernel: 3, padding: 1),
    Conv3dGeometry(
      batch: 2, inChannels: 2, outChannels: 3, inSize: (7, 5, 9), kernel: 3, stride: 2, padding: 1),
    Conv3dGeometry(batch: 1, inChannels: 1, outChannels: 2, inSize: (6, 5, 5), kernel: 3),
    Conv3dGeometry(batch: 2, inChannels: 4, outChannels: 3, inSize: (3, 4, 5), kernel: 1),
    Conv3dGeometry(
      batch: 1, inChannels: 3, outChannels: 2, inSize: (5, 6, 4), kernel: 1, stride: 2),
    Conv3dGeometry(
      batch: 1, inChannels: 2, outChannels: 3, inSize: (6, 5, 7), kernel: 2, stride: 2),
    Conv3dGeometry(
      batch: 1, inChannels: 2, outChannels: 2, inSize: (6, 7, 5), kernel: 5, stride: 1, padding: 2),
    Conv3dGeometry(
      batch: 1, inChannels: 2, outChannels: 2, inSize: (8, 5, 6), kernel: 3, stride: 3, padding: 2),
    // Enough output columns for the default plan to split columns across cores.
    Conv3dGeometry(
      batch: 2, inChannels: 2, outChannels: 3, inSize: (12, 10, 11), kernel: 3, padding: 1),
    // A pointwise conv big enough for the weight grad to split voxels across cores.
    Conv3dGeometry(batch: 2, inChannels: 2, outChannels: 3, inSize: (20, 20, 21), kernel: 1),
  ]

  static func data(_ g: Conv3dGeometry, seed: UInt64) -> (
    x: Tensor, w: Tensor, b: Tensor, dy: Tensor
  ) {
    var rng = RandomGenerator(seed: seed)
    let (xs, ws, ys) = convShapes(g)
    return (
      .uniform(xs, low: -1, high: 1, using: &rng), .uniform(ws, low: -1, high: 1, using: &rng),
      .uniform([g.outChannels], low: -1, high: 1, using: &rng),
      .uniform(ys, low: -1, high: 1, using: &rng)
    )
  }

  @Test(arguments: geometries)
  func forwardMatchesDirectLoop(_ g: Conv3dGeometry) {
    let d = Self.data(g, seed: 11)
    let want = naiveConv(d.x, d.w, d.b, g)
    // Every slab size from one plane to the whole volume gives the same result.
    let want0 = conv3dValue(d.x, d.w, d.b, g)  // default plan
    expectClose(want0, want, rtol: 1e-5, atol: 1e-5, "\(g) default plan")
    for rows in [1, 2, 3, g.outD * g.outH] {
      let got = conv3dValueForTest(d.x, d.w, d.b, g, chunkRows: rows)
      expectClose(got, want, rtol: 1e-5, atol: 1e-5, "\(g) chunk \(rows)")
    }
  }

  @Test(arguments: geometries)
  func inputGradMatchesDirectLoop(_ g: Conv3dGeometry) {
    let d = Self.data(g, seed: 12)
    let want = naiveConvInputGrad(d.dy, d.w, g)
    for rows in [1, 2, 3, g.outD * g.outH] {
      var dx = Tensor(repeating: .nan, shape: convShapes(g).x)
      d.dy.withUnsafeBufferPointer { pdy in
        d.w.withUnsafeBufferPointer { pw in
          dx.withUnsafeMutableBufferPointer { pdx in
            conv3dBackwardInput(
              dy: pdy.baseAddress!, weight: pw.baseAddress!, dx: pdx.baseAddress!, g,
              chunkRows: rows)
          }
        }
      }
      expectClose(dx, want, rtol: 1e-5, atol: 1e-5, "\(g) chunk \(rows)")
    }
  }

  @Test(arguments: geometries)
  func weightGradMatchesDirectLoop(_ g: Conv3dGeometry) {
    let d = Self.data(g, seed: 13)
    let want = naiveConvWeightGrad(d.x, d.dy, g)
    for rows in [1, 2, 3, g.outD * g.outH] {
      var dw = Tensor(repeating: .nan, shape: convShapes(g).w)
      d.x.withUnsafeBufferPointer { px in
        d.dy.withUnsafeBufferPointer { pdy in
          dw.withUnsafeMutableBufferPointer { pdw in
            conv3dBackwardWeight(
              x: px.baseAddress!, dy: pdy.baseAddress!, dw: pdw.baseAddress!, g,
              chunkRows: rows)
          }
        }
      }
      expectClose(dw, want, rtol: 1e-5, atol: 1e-5, "\(g) chunk \(rows)")
    }
  }

  @Test func gradientsAccumulateWhenAsked() {
    let g = Self.geometries[1]
    let d = Self.data(g, seed: 14)
    var dw = naiveConvWeightGrad(d.x, d.dy, g)
    let once = dw
    var dx = naiveConvInputGrad(d.dy, d.w, g)
    let dxOnce = dx
    d.x.withUnsafeBufferPointer { px in
      d.dy.withUnsafeBufferPointer { pdy in
        d.w.withUnsafeBufferPointer { pw in
          dw.withUnsafeMutableBufferPointer { pdw in
            conv3dBackwardWeight(
              x: px.baseAddress!, dy: pdy.baseAddress!, dw: pdw.baseAddress!, g, accumulate: true)
          }
          dx.withUnsafeMutableBufferPointer { pdx in
            conv3dBackwardInput(
              dy: pdy.baseAddress!, weight: pw.baseAddress!, dx: pdx.baseAddress!, g,
              accumulate: true)
          }
        }
      }
    }
    expectClose(dw, once.map { 2 * $0 }, rtol: 1e-5, atol: 1e-5, "dw")
    expectClose(dx, dxOnce.map { 2 * $0 }, rtol: 1e-5, atol: 1e-5, "dx")
  }

  @Test func biasGradSumsOverBatchAndSpace() {
    var rng = RandomGenerator(seed: 5)
    // 3000 voxels: several 1024-blocks plus a tail that is not a multiple of 8.
    let dy = Tensor.uniform([2, 3, 3000], low: -1, high: 1, using: &rng)
    var db = Tensor(zeros: [3])
    dy.withUnsafeBufferPointer { p in
      db.withUnsafeMutableBufferPointer { q in
        convBackwardBias(
          dy: p.baseAddress!, db: q.baseAddress!, batch: 2, channels: 3, voxels: 3000)
      }
    }
    for c in 0..<3 {
      var s = 0.0
      for n in 0..<2 { for v in 0..<3000 { s += Double(dy.scalars[(n * 3 + c) * 3000 + v]) } }
      #expect(abs(Double(db.scalars[c]) - s) < 1e-4)
    }
  }

  /// Small planes with many channels unfold and multiply in channel blocks (8³/4³ at 384/768
  /// channels in vista3d132); the blocks' partial products must add up to the whole conv.
  @Test(arguments: [
    // Few output channels keep the direct loop affordable in debug builds.
    Conv3dGeometry(batch: 1, inChannels: 320, outChannels: 2, inSize: (4, 4, 4), kernel: 3, padding: 1),
    Conv3dGeometry(
      batch: 2, inChannels: 312, outChannels: 1, inSize: (8, 8, 8), kernel: 3, stride: 2, padding: 1),
  ])
  func channelBlocksMatchDirectLoop(_ g: Conv3dGeometry) {
    let plan = ConvPlan.forward(g, override: nil)
    #expect(plan.channelBlock < g.inChannels, "\(g) should unfold in channel blocks")
    #expect(plan.channelBlock % 8 == 0 && plan.bufferFloats * 4 <= convChunkBudgetBytes + 64)
    let d = Self.data(g, seed: 13)
    // Sums of ~8,600 products in float: |error| grows like √K·ε·|terms|, ~1e-4 here.
    expectClose(conv3dValue(d.x, d.w, d.b, g), naiveConv(d.x, d.w, d.b, g), rtol: 1e-5, atol: 5e-4, "\(g)")
  }

  @Test func chunksBoundTheWorkspace() {
    // 48 channels at 128³: the per-core column chunks stay far below 256 MB.
    let g = Conv3dGeometry(
      batch: 1, inChannels: 48, outChannels: 48, inSize: (128, 128, 128), kernel: 3, padding: 1)
    #expect(conv3dWorkspaceBytes(g) <= 256 << 20)
    #expect(ConvPlan.forward(g, override: nil).chunkRows < g.outD * g.outH / parallelWorkers)
    let pointwise = Conv3dGeometry(
      batch: 1, inChannels: 48, outChannels: 48, inSize: (128, 128, 128), kernel: 1)
    #expect(conv3dWorkspaceBytes(pointwise) < 1 << 20)
  }
}

/// conv3dForward on tensors with a forced slab size.
func conv3dValueForTest(
  _ x: Tensor, _ w: Tensor, _ b: Tensor?, _ g: Conv3dGeometry, chunkRows: Int
) -> Tensor {
  var y = Tensor(repeating: .nan, shape: convShapes(g).y)
  x.withUnsafeBufferPointer { px in
    w.withUnsafeBufferPointer { pw in
      y.withUnsafeMutableBufferPointer { py in
        if let b {
          b.withUnsafeBufferPointer { pb in
            conv3dForward(
              x: px.baseAddress!, weight: pw.baseAddress!, bias: pb.baseAddress!,
              y: py.baseAddress!, g, chunkRows: chunkRows)
          }
        } else {
          conv3dForward(
            x: px.baseAddress!, weight: pw.baseAddress!, bias: nil, y: py.baseAddress!, g,
            chunkRows: chunkRows)
        }
      }
    }
  }
  return y
}
