import TestSupport
import Testing

@testable import VistaCore

/// A transposed conv case in PyTorch's terms.
struct ConvTCase: Sendable, CustomStringConvertible {
  var batch: Int
  var cin: Int
  var cout: Int
  var size: (Int, Int, Int)
  var k: Int
  var s: Int
  var p: Int
  var op: Int

  var geometry: Conv3dGeometry {
    convTranspose3dGeometry(
      batch: batch, inChannels: cin, outChannels: cout, inSize: size, kernel: k, stride: s,
      padding: p, outputPadding: op)
  }
  var xShape: [Int] { [batch, cin, size.0, size.1, size.2] }
  var wShape: [Int] { [cin, cout, k, k, k] }
  var yShape: [Int] {
    let g = geometry
    return [batch, cout, g.inD, g.inH, g.inW]
  }
  var description: String { "convT \(cin)→\(cout) k\(k) s\(s) p\(p) op\(op) \(size) N=\(batch)" }

  /// Calls `body(n, ci, co, xIndex, yIndex, wIndex)` for every in-range scatter tap
  /// `y[n, co, i·s − p + kk] += x[n, ci, i] · w[ci, co, kk]`.
  func forEachTap(_ body: (Int, Int, Int, Int, Int, Int) -> Void) {
    let ys = yShape
    for n in 0..<batch {
      for ci in 0..<cin {
        for co in 0..<cout {
          for i in 0..<size.0 {
            for j in 0..<size.1 {
              for l in 0..<size.2 {
                for kd in 0..<k {
                  for kh in 0..<k {
                    for kw in 0..<k {
                      let (a, b, c) = (i * s - p + kd, j * s - p + kh, l * s - p + kw)
                      guard a >= 0, a < ys[2], b >= 0, b < ys[3], c >= 0, c < ys[4] else {
                        continue
                      }
                      body(
                        n, ci, co, index5(xShape, n, ci, i, j, l), index5(ys, n, co, a, b, c),
                        index5(wShape, ci, co, kd, kh, kw))
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
}

@Suite struct ConvTranspose3dTests {
  static let cases: [ConvTCase] = [
    ConvTCase(batch: 1, cin: 3, cout: 2, size: (3, 4, 5), k: 3, s: 2, p: 1, op: 1),  // VISTA3D
    ConvTCase(batch: 2, cin: 2, cout: 3, size: (4, 3, 3), k: 3, s: 2, p: 1, op: 1),
    ConvTCase(batch: 1, cin: 2, cout: 2, size: (3, 2, 4), k: 3, s: 3, p: 1, op: 2),
    ConvTCase(batch: 1, cin: 2, cout: 3, size: (4, 3, 5), k: 2, s: 1, p: 0, op: 0),
    ConvTCase(batch: 1, cin: 1, cout: 2, size: (3, 3, 4), k: 4, s: 2, p: 1, op: 0),
    ConvTCase(batch: 2, cin: 3, cout: 2, size: (2, 3, 4), k: 1, s: 1, p: 0, op: 0),
  ]

  static func data(_ c: ConvTCase, seed: UInt64) -> (x: Tensor, w: Tensor, b: Tensor, dy: Tensor) {
    var rng = RandomGenerator(seed: seed)
    return (
      .uniform(c.xShape, low: -1, high: 1, using: &rng),
      .uniform(c.wShape, low: -1, high: 1, using: &rng),
      .uniform([c.cout], low: -1, high: 1, using: &rng),
      .uniform(c.yShape, low: -1, high: 1, using: &rng)
    )
  }

  @Test(arguments: cases)
  func forwardMatchesScatterLoop(_ c: ConvTCase) {
    let d = Self.data(c, seed: 21)
    var want = [Double](repeating: 0, count: c.yShape.elementCount)
    c.forEachTap { _, _, _, xi, yi, wi in
      want[yi] += Double(d.x.scalars[xi]) * Double(d.w.scalars[wi])
    }
    let vox = c.yShape[2...].reduce(1, *)
    for j in want.indices { want[j] += Double(d.b.scalars[(j / vox) % c.cout]) }
    let g = c.geometry
    #expect([g.inD, g.inH, g.inW] == Array(c.yShape[2...]))
    for rows in [1, 2, 3, g.outD * g.outH] {
      var y = Tensor(repeating: .nan, shape: c.yShape)
      d.x.withUnsafeBufferPointer { px in
        d.w.withUnsafeBufferPointer { pw in
          d.b.withUnsafeBufferPointer { pb in
            y.withUnsafeMutableBufferPointer { py in
              convTranspose3dForward(
                x: px.baseAddress!, weight: pw.baseAddress!, bias: pb.baseAddress!,
                y: py.baseAddress!, g, chunkRows: rows)
            }
          }
        }
      }
      expectClose(
        y, Tensor(unchecked: c.yShape, want.map { Float($0) }), rtol: 1e-5, atol: 1e-5,
        "\(c) chunk \(rows)")
    }
  }

  @Test(arguments: cases)
  func gradientsMatchScatterLoop(_ c: ConvTCase) {
    let d = Self.data(c, seed: 22)
    var wantDx = [Double](repeating: 0, count: c.xShape.elementCount)
    var wantDw = [Double](repeating: 0, count: c.wShape.elementCount)
    c.forEachTap { _, _, _, xi, yi, wi in
      wantDx[xi] += Double(d.dy.scalars[yi]) * Double(d.w.scalars[wi])
      wantDw[wi] += Double(d.dy.scalars[yi]) * Double(d.x.scalars[xi])
    }
    let g = c.geometry
    for rows in [1, 2, g.outD * g.outH] {
      var dx = Tensor(repeating: .nan, shape: c.xShape)
      var dw = Tensor(repeating: .nan, shape: c.wShape)
      d.dy.withUnsafeBufferPointer { pdy in
        d.w.withUnsafeBufferPointer { pw in
          dx.withUnsafeMutableBufferPointer { pdx in
            convTranspose3dBackwardInput(
              dy: pdy.baseAddress!, weight: pw.baseAddress!, dx: pdx.baseAddress!, g,
              chunkRows: rows)
          }
        }
        d.x.withUnsafeBufferPointer { px in
          dw.withUnsafeMutableBufferPointer { pdw in
            convTranspose3dBackwardWeight(
              x: px.baseAddress!, dy: pdy.baseAddress!, dw: pdw.baseAddress!, g, chunkRows: rows)
          }
        }
      }
      expectClose(
        dx, Tensor(unchecked: c.xShape, wantDx.map { Float($0) }), rtol: 1e-5, atol: 1e-5, "dx \(c)"
      )
      expectClose(
        dw, Tensor(unchecked: c.wShape, wantDw.map { Float($0) }), rtol: 1e-5, atol: 1e-5, "dw \(c)"
      )
    }
  }

  @Test func vistaUpsampleDoublesEverySize() {
    for n in [1, 4, 7] {
      #expect(
        convTranspose3dOutputSize(n, kernel: 3, stride: 2, padding: 1, outputPadding: 1) == 2 * n)
    }
  }
}
