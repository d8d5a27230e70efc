import Testing
import VistaCore

/// Compares autodiff gradients of `f` with central finite differences.
///
/// The scalar checked is `Σ f(inputs) · r` for a fixed random `r`, so every output element takes part.
/// Each input that is checked becomes a leaf; `eps` is the step, and an element passes when
/// `|analytic − numeric| ≤ atol + rtol·|numeric|`. Float32 differences are noisy: keep inputs O(1).
public func gradcheck(
  _ inputs: [Tensor], eps: Float = 1e-2, rtol: Float = 2e-2, atol: Float = 2e-3, seed: UInt64 = 7,
  check: Set<Int>? = nil, _ label: String = "",
  sourceLocation: SourceLocation = #_sourceLocation,
  _ f: ([Variable]) throws -> Variable
) throws {
  let checked = check ?? Set(inputs.indices)
  let leaves = inputs.enumerated().map { i, t in checked.contains(i) ? Variable.leaf(t) : Variable(t) }
  let out = try f(leaves)
  var rng = RandomGenerator(seed: seed)
  let r = Tensor.uniform(out.shape, low: -1, high: 1, using: &rng)
  try out.backward(seed: r)

  func objective(_ xs: [Tensor]) throws -> Double {
    let y = try GradMode.withNoGrad { try f(xs.map { Variable($0) }) }
    var s = 0.0
    for i in 0..<y.value.count { s += Double(y.value.scalars[i]) * Double(r.scalars[i]) }
    return s
  }

  for i in inputs.indices where checked.contains(i) {
    guard let analytic = leaves[i].grad else {
      Issue.record("\(label) input \(i): no gradient reached it", sourceLocation: sourceLocation)
      continue
    }
    var bad = 0
    var firstBad = ""
    for j in 0..<inputs[i].count {
      var plus = inputs
      var minus = inputs
      plus[i].withUnsafeMutableBufferPointer { $0[j] += eps }
      minus[i].withUnsafeMutableBufferPointer { $0[j] -= eps }
      let numeric = Float((try objective(plus) - objective(minus)) / Double(2 * eps))
      let a = analytic.scalars[j]
      if !(abs(a - numeric) <= atol + rtol * abs(numeric)) {
        bad += 1
        if firstBad.isEmpty { firstBad = "element \(j): analytic \(a) vs numeric \(numeric)" }
      }
    }
    if bad > 0 {
      Issue.record(
        "\(label) input \(i) \(formatShape(inputs[i].shape)): \(bad) gradient elements off; first \(firstBad)",
        sourceLocation: sourceLocation)
    }
  }
}
