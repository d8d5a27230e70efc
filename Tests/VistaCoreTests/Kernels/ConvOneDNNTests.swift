import Testing

@testable import VistaCore

/// oneDNN's direct conv (the deep 3×3×3 layers) against our own unfold + GEMM kernel.
@Suite struct ConvOneDNNTests {
  /// y from both paths for one geometry; `chunkRows:` forces our kernel.
  static func both(_ g: Conv3dGeometry, bias: Bool) -> (ours: [Float], onednn: [Float], used: Bool) {
    var rng = RandomGenerator(seed: 11)
    let x = (0..<(g.batch * g.inChannels * g.inVoxels)).map { _ in rng.nextUniform() - 0.5 }
    let w = (0..<(g.outChannels * g.colRows)).map { _ in rng.nextUniform() - 0.5 }
    let b = (0..<g.outChannels).map { _ in rng.nextUniform() - 0.5 }
    let n = g.batch * g.outChannels * g.outVoxels
    var ours = [Float](repeating: .nan, count: n)
    var onednn = [Float](repeating: .nan, count: n)
    var used = false
    x.withUnsafeBufferPointer { px in
      w.withUnsafeBufferPointer { pw in
        b.withUnsafeBufferPointer { pb in
          let bp = bias ? pb.baseAddress! : nil
          ours.withUnsafeMutableBufferPointer { py in
            conv3dForward(
              x: px.baseAddress!, weight: pw.baseAddress!, bias: bp, y: py.baseAddress!, g,
              chunkRows: 3)
          }
          onednn.withUnsafeMutableBufferPointer { py in
            used = conv3dForwardOneDNN(
              x: px.baseAddress!, weight: pw.baseAddress!, bias: bp, y: py.baseAddress!, g)
          }
        }
      }
    }
    return (ours, onednn, used)
  }

  @Test(arguments: [false, true])
  func directConvMatchesUnfoldAndGEMM(_ bias: Bool) {
    // Non-cubic, batch 2, channels not a multiple of oneDNN's 16-channel blocks.
    let g = Conv3dGeometry(
      batch: 2, inChannels: 40, outChannels: 36, inSize: (8, 9, 10), kernel: 3, stride: 1,
      padding: 1)
    #expect(OneDNNConv.suits(g))
    let r = Self.both(g, bias: bias)
    #expect(r.used == OneDNNConv.enabled)
    guard r.used else { return }
    let scale = r.ours.map { abs($0) }.max() ?? 1
    let err = zip(r.ours, r.onednn).map { abs($0 - $1) }.max() ?? .nan
    #expect(err / scale < 1e-5, "max |oneDNN − ours| / max|ours| = \(err / scale)")
  }

  @Test func shallowAndStridedShapesStayOnOurKernels() {
    let narrow = Conv3dGeometry(
      batch: 1, inChannels: 16, outChannels: 16, inSize: (8, 8, 8), kernel: 3, padding: 1)
    let strided = Conv3dGeometry(
      batch: 1, inChannels: 64, outChannels: 64, inSize: (16, 16, 16), kernel: 3, stride: 2,
      padding: 1)
    let tiny = Conv3dGeometry(
      batch: 1, inChannels: 64, outChannels: 64, inSize: (4, 4, 4), kernel: 3, padding: 1)
    #expect(!OneDNNConv.suits(narrow))
    #expect(!OneDNNConv.suits(strided))
    #expect(!OneDNNConv.suits(tiny))
  }
}

/// The two gradients through oneDNN against our kernels (overwrite and accumulate).
@Suite struct ConvOneDNNGradientTests {
  static let g = Conv3dGeometry(
    batch: 2, inChannels: 40, outChannels: 36, inSize: (8, 9, 10), kernel: 3, stride: 1,
    padding: 1)

  static func relErr(_ a: [Float], _ b: [Float]) -> Float {
    let scale = b.map { abs($0) }.max() ?? 1
    return (zip(a, b).map { abs($0 - $1) }.max() ?? .nan) / scale
  }

  @Test(arguments: [false, true])
  func inputGradientMatches(_ accumulate: Bool) {
    let g = Self.g
    var rng = RandomGenerator(seed: 12)
    let dy = (0..<(g.batch * g.outChannels * g.outVoxels)).map { _ in rng.nextUniform() - 0.5 }
    let w = (0..<(g.outChannels * g.colRows)).map { _ in rng.nextUniform() - 0.5 }
    let start = (0..<(g.batch * g.inChannels * g.inVoxels)).map { _ in rng.nextUniform() - 0.5 }
    var ours = start
    var onednn = start
    var used = false
    dy.withUnsafeBufferPointer { pdy in
      w.withUnsafeBufferPointer { pw in
        ours.withUnsafeMutableBufferPointer { p in
          conv3dBackwardInput(
            dy: pdy.baseAddress!, weight: pw.baseAddress!, dx: p.baseAddress!, g,
            accumulate: accumulate, chunkRows: 3)
        }
        onednn.withUnsafeMutableBufferPointer { p in
          used = conv3dBackwardInputOneDNN(
            dy: pdy.baseAddress!, weight: pw.baseAddress!, dx: p.baseAddress!, g,
            accumulate: accumulate)
        }
      }
    }
    #expect(used == OneDNNConv.enabled)
    guard used else { return }
    #expect(Self.relErr(onednn, ours) < 1e-5)
  }

  @Test(arguments: [false, true])
  func weightGradientMatches(_ accumulate: Bool) {
    let g = Self.g
    var rng = RandomGenerator(seed: 13)
    let x = (0..<(g.batch * g.inChannels * g.inVoxels)).map { _ in rng.nextUniform() - 0.5 }
    let dy = (0..<(g.batch * g.outChannels * g.outVoxels)).map { _ in rng.nextUniform() - 0.5 }
    let start = (0..<(g.outChannels * g.colRows)).map { _ in rng.nextUniform() - 0.5 }
    var ours = start
    var onednn = start
    var used = false
    x.withUnsafeBufferPointer { px in
      dy.withUnsafeBufferPointer { pdy in
        ours.withUnsafeMutableBufferPointer { p in
          conv3dBackwardWeight(
            x: px.baseAddress!, dy: pdy.baseAddress!, dw: p.baseAddress!, g,
            accumulate: accumulate, chunkRows: 3)
        }
        onednn.withUnsafeMutableBufferPointer { p in
          used = conv3dBackwardWeightOneDNN(
            x: px.baseAddress!, dy: pdy.baseAddress!, dw: p.baseAddress!, g,
            accumulate: accumulate)
        }
      }
    }
    #expect(used == OneDNNConv.enabled)
    guard used else { return }
    #expect(Self.relErr(onednn, ours) < 1e-5)
  }
}
