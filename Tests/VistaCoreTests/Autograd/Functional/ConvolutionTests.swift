import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// A fixture case written by scripts/dev/golden/conv.py (same table).
struct ConvGoldenCase: Sendable, CustomStringConvertible {
  var name: String
  var transposed: Bool
  var bias: Bool
  var stride: Int
  var padding: Int
  var outputPadding: Int
  var description: String { name }
}

@Suite struct ConvolutionTests {
  static let golden: [ConvGoldenCase] = [
    ConvGoldenCase(
      name: "conv_noncubic", transposed: false, bias: true, stride: 1, padding: 1, outputPadding: 0),
    ConvGoldenCase(
      name: "conv_1ch", transposed: false, bias: false, stride: 1, padding: 0, outputPadding: 0),
    ConvGoldenCase(
      name: "conv_s2_odd_b2", transposed: false, bias: true, stride: 2, padding: 1, outputPadding: 0
    ),
    ConvGoldenCase(
      name: "conv_k1", transposed: false, bias: true, stride: 1, padding: 0, outputPadding: 0),
    ConvGoldenCase(
      name: "conv_k2_s2", transposed: false, bias: false, stride: 2, padding: 0, outputPadding: 0),
    ConvGoldenCase(
      name: "convt_k3s2p1op1", transposed: true, bias: true, stride: 2, padding: 1, outputPadding: 1
    ),
    ConvGoldenCase(
      name: "convt_k3s3p1op2_b2", transposed: true, bias: false, stride: 3, padding: 1,
      outputPadding: 2),
    ConvGoldenCase(
      name: "convt_k2s1", transposed: true, bias: true, stride: 1, padding: 0, outputPadding: 0),
  ]

  static func load(_ c: ConvGoldenCase, _ key: String) throws -> Tensor {
    try NPY.readTensor(Fixtures.golden("conv/\(c.name)_\(key).npy"))
  }

  static func apply(_ c: ConvGoldenCase, _ x: Variable, _ w: Variable, _ b: Variable?) throws
    -> Variable
  {
    c.transposed
      ? try convTranspose3d(
        x, weight: w, bias: b, stride: c.stride, padding: c.padding, outputPadding: c.outputPadding)
      : try conv3d(x, weight: w, bias: b, stride: c.stride, padding: c.padding)
  }

  @Test(arguments: golden)
  func matchesPyTorch(_ c: ConvGoldenCase) throws {
    let x = Variable.leaf(try Self.load(c, "x"))
    let w = Variable.leaf(try Self.load(c, "w"))
    let b = c.bias ? Variable.leaf(try Self.load(c, "b")) : nil
    let y = try Self.apply(c, x, w, b)
    expectRelativeClose(y.value, try Self.load(c, "y"), tol: 1e-5, "\(c.name) y")
    try y.backward(seed: try Self.load(c, "gy"))
    expectRelativeClose(try #require(x.grad), try Self.load(c, "gx"), tol: 1e-5, "\(c.name) gx")
    expectRelativeClose(try #require(w.grad), try Self.load(c, "gw"), tol: 1e-5, "\(c.name) gw")
    if let b {
      expectRelativeClose(try #require(b.grad), try Self.load(c, "gb"), tol: 1e-5, "\(c.name) gb")
    }
  }

  @Test func conv3dGradcheck() throws {
    var rng = RandomGenerator(seed: 31)
    let x = Tensor.uniform([2, 2, 5, 4, 5], low: -1, high: 1, using: &rng)
    let w = Tensor.uniform([3, 2, 3, 3, 3], low: -1, high: 1, using: &rng)
    let b = Tensor.uniform([3], low: -1, high: 1, using: &rng)
    for (s, p) in [(1, 1), (2, 1)] {
      try gradcheck([x, w, b], "conv3d s\(s) p\(p)") { v in
        try conv3d(v[0], weight: v[1], bias: v[2], stride: s, padding: p)
      }
    }
  }

  @Test func convTranspose3dGradcheck() throws {
    var rng = RandomGenerator(seed: 32)
    let x = Tensor.uniform([1, 3, 3, 2, 4], low: -1, high: 1, using: &rng)
    let w = Tensor.uniform([3, 2, 3, 3, 3], low: -1, high: 1, using: &rng)
    let b = Tensor.uniform([2], low: -1, high: 1, using: &rng)
    for (s, p, op) in [(2, 1, 1), (1, 0, 0), (3, 2, 1)] {
      try gradcheck([x, w, b], "convT s\(s) p\(p) op\(op)") { v in
        try convTranspose3d(
          v[0], weight: v[1], bias: v[2], stride: s, padding: p, outputPadding: op)
      }
    }
  }

  @Test func pullbackSkipsGradientsNobodyNeeds() throws {
    var rng = RandomGenerator(seed: 33)
    let x = Tensor.uniform([1, 2, 4, 4, 4], using: &rng)
    let w = Tensor.uniform([3, 2, 3, 3, 3], using: &rng)
    let b = Tensor.uniform([3], using: &rng)
    // First layer: the input is data, so only the weight (and bias) get gradients.
    let y = try conv3d(Variable(x), weight: .leaf(w), bias: Variable(b), padding: 1)
    let pullback = try #require(y.node?.pullback)
    let grads = pullback(Tensor(repeating: 1, shape: y.shape))
    #expect(grads.count == 3 && grads[0] == nil && grads[1] != nil && grads[2] == nil)
    // Frozen weight: only the input gradient.
    let wt = Tensor.uniform([2, 3, 3, 3, 3], using: &rng)
    let z = try convTranspose3d(
      .leaf(x), weight: Variable(wt), stride: 2, padding: 1, outputPadding: 1)
    let zPullback = try #require(z.node?.pullback)
    let zGrads = zPullback(Tensor(repeating: 1, shape: z.shape))
    #expect(zGrads.count == 2 && zGrads[0] != nil && zGrads[1] == nil)
    // Nothing requires grad: nothing is recorded.
    #expect(try conv3d(Variable(x), weight: Variable(w), padding: 1).node == nil)
  }

  @Test func badShapesNameTheOpAndBothShapes() {
    func message(_ body: () throws -> Variable) -> String {
      do {
        _ = try body()
        return "no error"
      } catch {
        return "\(error)"
      }
    }
    let w = Variable(Tensor(zeros: [96, 48, 3, 3, 3]))
    #expect(
      message { try conv3d(Variable(Tensor(zeros: [1, 32, 16, 16, 16])), weight: w) }
        == "conv3d: expected input [N, 48, D, H, W] for weight [96, 48, 3, 3, 3], got [1, 32, 16, 16, 16]"
    )
    let rank4 = message { try conv3d(Variable(Tensor(zeros: [48, 16, 16, 16])), weight: w) }
    #expect(
      rank4.hasPrefix("conv3d:") && rank4.contains("[48, 16, 16, 16]")
        && rank4.contains("[96, 48, 3, 3, 3]"))
    let small = message {
      try conv3d(
        Variable(Tensor(zeros: [1, 2, 2, 6, 6])), weight: Variable(Tensor(zeros: [3, 2, 5, 5, 5])))
    }
    #expect(
      small.hasPrefix("conv3d:") && small.contains("too small") && small.contains("[1, 2, 2, 6, 6]")
        && small.contains("[3, 2, 5, 5, 5]"))
    let bias = message {
      try conv3d(
        Variable(Tensor(zeros: [1, 48, 4, 4, 4])), weight: w, bias: Variable(Tensor(zeros: [48])))
    }
    #expect(bias.hasPrefix("conv3d:") && bias.contains("[96]") && bias.contains("[48]"))
    let wt = Variable(Tensor(zeros: [768, 384, 3, 3, 3]))
    #expect(
      message {
        try convTranspose3d(
          Variable(Tensor(zeros: [1, 384, 4, 4, 4])), weight: wt, stride: 2, padding: 1,
          outputPadding: 1)
      }
        == "convTranspose3d: expected input [N, 768, D, H, W] for weight [768, 384, 3, 3, 3], got [1, 384, 4, 4, 4]"
    )
    let op = message {
      try convTranspose3d(
        Variable(Tensor(zeros: [1, 768, 4, 4, 4])), weight: wt, stride: 2, padding: 1,
        outputPadding: 2)
    }
    #expect(op.hasPrefix("convTranspose3d:") && op.contains("outputPadding 2"))
    let nonCubic = message {
      try conv3d(
        Variable(Tensor(zeros: [1, 2, 8, 8, 8])), weight: Variable(Tensor(zeros: [3, 2, 3, 1, 3])))
    }
    #expect(nonCubic.hasPrefix("conv3d:") && nonCubic.contains("[3, 2, 3, 1, 3]"))
  }
}
