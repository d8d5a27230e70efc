import Testing
import TestSupport
@testable import VistaCore

/// Double-precision reference instance norm + activation, and its gradient for upstream `g`.
func referenceInstanceNorm(
  _ x: Tensor, _ w: [Float], _ b: [Float], _ g: Tensor, eps: Double, act: NormActivation
) -> (y: [Double], dx: [Double], dw: [Double], db: [Double]) {
  let (n, c) = (x.shape[0], x.shape[1])
  let v = x.count / (n * c)
  var y = [Double](repeating: 0, count: x.count)
  var dx = y
  var dw = [Double](repeating: 0, count: c)
  var db = dw
  for p in 0..<(n * c) {
    let ch = p % c
    let xs = (0..<v).map { Double(x.scalars[p * v + $0]) }
    let m = xs.reduce(0, +) / Double(v)
    let r = 1 / (xs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v) + eps).squareRoot()
    let xh = xs.map { ($0 - m) * r }
    var gh = [Double](repeating: 0, count: v)
    for i in 0..<v {
      let pre = xh[i] * Double(w[ch]) + Double(b[ch])
      let gi = Double(g.scalars[p * v + i])
      switch act {
      case .identity: y[p * v + i] = pre; gh[i] = gi
      case .relu: y[p * v + i] = max(0, pre); gh[i] = pre > 0 ? gi : 0
      case .leakyReLU(let s): y[p * v + i] = pre > 0 ? pre : pre * Double(s); gh[i] = pre > 0 ? gi : gi * Double(s)
      }
    }
    let sg = gh.reduce(0, +)
    let sgx = zip(gh, xh).map(*).reduce(0, +)
    dw[ch] += sgx
    db[ch] += sg
    for i in 0..<v {
      dx[p * v + i] = Double(w[ch]) * r * (gh[i] - sg / Double(v) - xh[i] * sgx / Double(v))
    }
  }
  return (y, dx, dw, db)
}

@Suite struct InstanceNormTests {
  @Test(arguments: [NormActivation.identity, .relu, .leakyReLU(slope: 0.1)])
  func kernelMatchesDoubleReference(_ act: NormActivation) throws {
    // Odd plane size (17·9·7 = 1071: SIMD blocks plus a tail), offset mean, batch 2.
    var rng = RandomGenerator(seed: 5)
    let shape = [2, 3, 17, 9, 7]
    let x = Tensor.uniform(shape, low: -1, high: 5, using: &rng)
    let g = Tensor.uniform(shape, low: -1, high: 1, using: &rng)
    let w: [Float] = [0.5, -1.5, 2]
    let b: [Float] = [0.1, 0, -0.3]
    let ref = referenceInstanceNorm(x, w, b, g, eps: 1e-5, act: act)
    let xv = Variable.leaf(x)
    let wv = Variable.leaf(Tensor(w))
    let bv = Variable.leaf(Tensor(b))
    let y = try instanceNorm(xv, weight: wv, bias: bv, activation: act)
    try y.backward(seed: g)
    expectRelativeClose(y.value, Tensor(shape: shape) { p in for i in p.indices { p[i] = Float(ref.y[i]) } }, tol: 2e-6, "y")
    expectRelativeClose(try #require(xv.grad), Tensor(shape: shape) { p in for i in p.indices { p[i] = Float(ref.dx[i]) } }, tol: 1e-5, "dx")
    expectRelativeClose(try #require(wv.grad), Tensor(ref.dw.map { Float($0) }), tol: 1e-5, "dw")
    expectRelativeClose(try #require(bv.grad), Tensor(ref.db.map { Float($0) }), tol: 1e-5, "db")
  }

  @Test func frozenAffineComputesOnlyInputGradient() throws {
    let x = Variable.leaf(testTensor([1, 2, 5], seed: 2))
    let w = Variable(Tensor([1, 2]))
    let y = try instanceNorm(x, weight: w, bias: Variable(Tensor([0, 1])))
    try y.backward(seed: Tensor(repeating: 1, shape: [1, 2, 5]))
    // Σ ĝ = const ⇒ dx = 0 exactly up to rounding.
    #expect(try #require(x.grad).maxAbs() < 1e-6)
  }
}

@Suite struct InstanceNormSplitTests {
  @Test(arguments: [NormActivation.identity, .relu, .leakyReLU(slope: 0.2)])
  func splitPlanesMatchPerPlaneKernel(_ act: NormActivation) {
    // Same inputs through both schedules: results agree to rounding of the summation order.
    let (n, c, v) = (2, 3, 1001)
    var rng = RandomGenerator(seed: 12)
    let x = Tensor.uniform([n, c, v], low: -2, high: 4, using: &rng)
    let g = Tensor.uniform([n, c, v], low: -1, high: 1, using: &rng)
    let w = Tensor([0.5, -2, 1.5])
    let b = Tensor([0.2, 0.1, -0.4])
    func run(_ split: Bool) -> [Tensor] {
      var y = Tensor(zeros: [n, c, v])
      var dx = Tensor(zeros: [n, c, v])
      var (mean, rstd) = (Tensor(zeros: [n * c]), Tensor(zeros: [n * c]))
      var (sumG, sumGX) = (Tensor(zeros: [n * c]), Tensor(zeros: [n * c]))
      x.withUnsafeBufferPointer { px in
        g.withUnsafeBufferPointer { pg in
          w.withUnsafeBufferPointer { pw in
            b.withUnsafeBufferPointer { pb in
              y.withUnsafeMutableBufferPointer { py in
                dx.withUnsafeMutableBufferPointer { pdx in
                  mean.withUnsafeMutableBufferPointer { pm in
                    rstd.withUnsafeMutableBufferPointer { pr in
                      sumG.withUnsafeMutableBufferPointer { psg in
                        sumGX.withUnsafeMutableBufferPointer { psgx in
                          instanceNormForward(
                            y: py.baseAddress!, mean: pm.baseAddress!, rstd: pr.baseAddress!, x: px.baseAddress!,
                            weight: pw.baseAddress!, bias: pb.baseAddress!, n: n, c: c, v: v, eps: 1e-5,
                            activation: act, split: split)
                          instanceNormBackward(
                            dx: pdx.baseAddress!, sumG: psg.baseAddress!, sumGXhat: psgx.baseAddress!,
                            dy: pg.baseAddress!, x: px.baseAddress!, mean: pm.baseAddress!, rstd: pr.baseAddress!,
                            weight: pw.baseAddress!, bias: pb.baseAddress!, n: n, c: c, v: v, activation: act,
                            split: split)
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
      return [y, dx, mean, rstd, sumG, sumGX]
    }
    let (a, s) = (run(false), run(true))
    for (i, label) in ["y", "dx", "mean", "rstd", "sumG", "sumGXhat"].enumerated() {
      expectRelativeClose(s[i], a[i], tol: 2e-6, label)
    }
  }
}
