import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// Runs the Winograd kernel on tensors (plus bias), forcing `tileRows` tile rows per block.
func winogradValue(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ g: Conv3dGeometry, tileRows: Int? = nil)
  -> Tensor
{
  var y = Tensor(repeating: .nan, shape: convShapes(g).y)
  x.withUnsafeBufferPointer { px in
    w.withUnsafeBufferPointer { pw in
      y.withUnsafeMutableBufferPointer { py in
        conv3dWinograd(x: px.baseAddress!, weight: pw.baseAddress!, y: py.baseAddress!, g, tileRows: tileRows)
        if let b {
          b.withUnsafeBufferPointer { pb in
            convAddBias(py.baseAddress!, pb.baseAddress!, batch: g.batch, channels: g.outChannels, voxels: g.outVoxels)
          }
        }
      }
    }
  }
  return y
}

/// The input gradient of conv `g` through the Winograd kernel (transposed, flipped weight), or
/// through conv3dBackwardInput with `chunkRows` (nil: its default routing).
func winogradInputGrad(_ dy: Tensor, _ w: Tensor, _ g: Conv3dGeometry, tileRows: Int? = nil) -> Tensor {
  var dx = Tensor(repeating: .nan, shape: convShapes(g).x)
  dy.withUnsafeBufferPointer { pdy in
    w.withUnsafeBufferPointer { pw in
      dx.withUnsafeMutableBufferPointer { pdx in
        conv3dWinograd(
          x: pdy.baseAddress!, weight: pw.baseAddress!, y: pdx.baseAddress!, g.winogradAdjoint, adjoint: true,
          tileRows: tileRows)
      }
    }
  }
  return dx
}

func backwardInput(_ dy: Tensor, _ w: Tensor, _ g: Conv3dGeometry, chunkRows: Int?) -> Tensor {
  var dx = Tensor(repeating: .nan, shape: convShapes(g).x)
  dy.withUnsafeBufferPointer { pdy in
    w.withUnsafeBufferPointer { pw in
      dx.withUnsafeMutableBufferPointer { pdx in
        conv3dBackwardInput(dy: pdy.baseAddress!, weight: pw.baseAddress!, dx: pdx.baseAddress!, g, chunkRows: chunkRows)
      }
    }
  }
  return dx
}

@Suite struct ConvWinogradTests {
  /// Odd and even sizes (edge tiles clipped on every axis), batch 2, a single voxel, wide rows
  /// (8-tile vector loops plus tails), and forced block sizes that split tile rows unevenly.
  static let cases: [(Conv3dGeometry, Int?)] = [
    (Conv3dGeometry(batch: 1, inChannels: 3, outChannels: 4, inSize: (5, 6, 7), kernel: 3, padding: 1), nil),
    (Conv3dGeometry(batch: 2, inChannels: 5, outChannels: 3, inSize: (4, 4, 4), kernel: 3, padding: 1), 1),
    (Conv3dGeometry(batch: 1, inChannels: 2, outChannels: 2, inSize: (1, 1, 1), kernel: 3, padding: 1), nil),
    (Conv3dGeometry(batch: 1, inChannels: 2, outChannels: 3, inSize: (3, 2, 37), kernel: 3, padding: 1), 1),
    (Conv3dGeometry(batch: 1, inChannels: 4, outChannels: 2, inSize: (7, 9, 16), kernel: 3, padding: 1), 3),
    (Conv3dGeometry(batch: 2, inChannels: 3, outChannels: 2, inSize: (2, 5, 34), kernel: 3, padding: 1), 2),
  ]

  @Test(arguments: cases.indices)
  func matchesDirectLoop(_ i: Int) {
    let (g, rows) = Self.cases[i]
    let d = Conv3dTests.data(g, seed: UInt64(40 + i))
    expectClose(
      winogradValue(d.x, d.w, d.b, g, tileRows: rows), naiveConv(d.x, d.w, d.b, g), rtol: 1e-5, atol: 1e-5,
      "\(g) tileRows \(String(describing: rows))")
  }

  /// The adjoint mode (transposed, flipped weight) is the conv's input gradient.
  @Test(arguments: cases.indices)
  func adjointIsTheInputGradient(_ i: Int) {
    let (g, rows) = Self.cases[i]
    let d = Conv3dTests.data(g, seed: UInt64(60 + i))
    expectClose(
      winogradInputGrad(d.dy, d.w, g, tileRows: rows), naiveConvInputGrad(d.dy, d.w, g), rtol: 1e-5, atol: 1e-5,
      "\(g) tileRows \(String(describing: rows))")
  }

  /// The Winograd weight gradient (the forward's adjoint) against the direct loop, overwriting and
  /// accumulating.
  @Test(arguments: cases.indices)
  func weightGradMatchesDirectLoop(_ i: Int) {
    let (g, rows) = Self.cases[i]
    let d = Conv3dTests.data(g, seed: UInt64(80 + i))
    let expected = naiveConvWeightGrad(d.x, d.dy, g)
    var dw = Tensor(repeating: .nan, shape: convShapes(g).w)
    d.x.withUnsafeBufferPointer { px in
      d.dy.withUnsafeBufferPointer { pdy in
        dw.withUnsafeMutableBufferPointer { pdw in
          conv3dWinogradWeightGrad(x: px.baseAddress!, dy: pdy.baseAddress!, dw: pdw.baseAddress!, g, tileRows: rows)
        }
      }
    }
    // Sums over every voxel (up to ~2,000 products here) in float: a looser absolute bound.
    expectClose(dw, expected, rtol: 1e-5, atol: 1e-4, "\(g) tileRows \(String(describing: rows))")
    var twice = dw
    d.x.withUnsafeBufferPointer { px in
      d.dy.withUnsafeBufferPointer { pdy in
        twice.withUnsafeMutableBufferPointer { pdw in
          conv3dWinogradWeightGrad(x: px.baseAddress!, dy: pdy.baseAddress!, dw: pdw.baseAddress!, g, accumulate: true)
        }
      }
    }
    expectClose(twice, Tensor(unchecked: expected.shape, expected.scalars.map { $0 * 2 }), rtol: 1e-5, atol: 2e-4, "accumulated \(g)")
  }

  @Test func matchesPyTorch() throws {
    func load(_ key: String) throws -> Tensor {
      try NPY.readTensor(Fixtures.golden("conv/conv_winograd_\(key).npy"))
    }
    let (x, w, b) = (try load("x"), try load("w"), try load("b"))
    let g = Conv3dGeometry(
      batch: x.shape[0], inChannels: x.shape[1], outChannels: w.shape[0], inSize: (x.shape[2], x.shape[3], x.shape[4]),
      kernel: 3, padding: 1)
    // Same bound as the model parity tests: max|ours − torch| ≤ 1e-5 · max|torch|.
    expectRelativeClose(winogradValue(x, w, b, g), try load("y"), tol: 1e-5, "winograd vs torch")
    expectRelativeClose(winogradValue(x, w, b, g, tileRows: 2), try load("y"), tol: 1e-5, "winograd, 2 rows a block")
  }

  /// An eligible layer through the public entry point agrees with the direct (vol2col) path.
  @Test func forwardUsesItAndAgreesWithTheDirectPath() {
    let g = Conv3dGeometry(
      batch: 1, inChannels: 32, outChannels: 40, inSize: (16, 16, 18), kernel: 3, padding: 1)
    #expect(g.usesWinograd || !convWinogradEnabled)
    let d = Conv3dTests.data(g, seed: 7)
    let direct = conv3dValueForTest(d.x, d.w, d.b, g, chunkRows: 64)
    expectRelativeClose(conv3dValue(d.x, d.w, d.b, g), direct, tol: 1e-5, "\(g)")
    // The kernel itself, whatever VISTA_CONV_WINOGRAD says.
    expectRelativeClose(winogradValue(d.x, d.w, d.b, g), direct, tol: 1e-5, "kernel \(g)")
    let dw = conv3dWeightGrad(d.x, d.dy, g)
    var directDW = Tensor(repeating: .nan, shape: convShapes(g).w)
    d.x.withUnsafeBufferPointer { px in
      d.dy.withUnsafeBufferPointer { pdy in
        directDW.withUnsafeMutableBufferPointer { pdw in
          conv3dBackwardWeight(x: px.baseAddress!, dy: pdy.baseAddress!, dw: pdw.baseAddress!, g, chunkRows: 64)
        }
      }
    }
    expectRelativeClose(dw, directDW, tol: 1e-5, "weight grad \(g)")
    let dx = backwardInput(d.dy, d.w, g, chunkRows: nil)
    expectRelativeClose(dx, backwardInput(d.dy, d.w, g, chunkRows: 64), tol: 1e-5, "input grad \(g)")
    // The workspace estimate covers the Winograd blocks and transformed weights.
    let plan = WinogradPlan(g)
    #expect(conv3dWorkspaceBytes(g) >= (plan.workerFloats * plan.workers + 64 * 32 * 40) * 4)
  }

  @Test func eligibility() {
    func geometry(_ c: Int, _ n: Int, k: Int = 3, s: Int = 1, p: Int = 1) -> Conv3dGeometry {
      Conv3dGeometry(batch: 1, inChannels: c, outChannels: c, inSize: (n, n, n), kernel: k, stride: s, padding: p)
    }
    guard convWinogradEnabled else { return }
    #expect(geometry(48, 64).usesWinograd)
    #expect(geometry(96, 32).usesWinograd)
    #expect(geometry(192, 16).usesWinograd)
    #expect(!geometry(384, 8).usesWinograd, "64 tiles: too narrow to pay")
    #expect(!geometry(16, 64).usesWinograd, "few channels")
    #expect(!geometry(48, 64, s: 2).usesWinograd)
    #expect(!geometry(48, 64, k: 1, p: 0).usesWinograd)
    #expect(!geometry(48, 64, p: 0).usesWinograd)
  }

  @Test func weightTransformMatchesGwGt() {
    // U = G w Gᵀ along each axis, G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1], checked in Double.
    var rng = RandomGenerator(seed: 3)
    let w = Tensor.uniform([2, 3, 3, 3, 3], low: -1, high: 1, using: &rng)
    let u = w.withUnsafeBufferPointer { winogradWeights($0.baseAddress!, cout: 2, cin: 3) }
    let gm: [[Double]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
    for pair in 0..<6 {
      for a in 0..<4 {
        for b in 0..<4 {
          for c in 0..<4 {
            var sum = 0.0
            for i in 0..<3 {
              for j in 0..<3 {
                for k in 0..<3 {
                  sum += gm[a][i] * gm[b][j] * gm[c][k] * Double(w.scalars[pair * 27 + i * 9 + j * 3 + k])
                }
              }
            }
            let got = Double(u[((a * 4 + b) * 4 + c) * 6 + pair])
            #expect(abs(got - sum) <= 1e-6, "pair \(pair) ξ \(a),\(b),\(c)")
          }
        }
      }
    }
  }
}
