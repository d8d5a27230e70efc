import Foundation
import VistaCore

/// `vista-bench parity [folder]`: vista3d132 on the files scripts/dev/check_model_parity.py wrote
/// (MONAI's seeded state_dict, a 64³ image, MONAI's class-3 and centre-click logits); prints
/// max|ours − MONAI| / max|MONAI| for each prompt, and for the gradients of
/// mean(sigmoid(class logits) · target) with respect to the conv weights the script saved.
enum BenchParity {
  /// (max|a − b|, max|b|).
  static func maxErrors(_ a: [Double], _ b: [Double]) -> (diff: Double, ref: Double) {
    var maxDiff = 0.0
    var maxRef = 0.0
    for (x, y) in zip(a, b) {
      maxDiff = max(maxDiff, abs(x - y))
      maxRef = max(maxRef, abs(y))
    }
    return (maxDiff, maxRef)
  }

  /// max|a − b| / max|b|.
  static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    let e = maxErrors(a, b)
    return e.diff / e.ref
  }

  static func run(_ args: [String]) throws {
    let dir = args.first ?? "/tmp/vista_parity"
    let model = try VISTA3D.load(.vista3d132, checkpoint: "\(dir)/model.pt")
    let x = Variable(try NPY.readTensor(URL(fileURLWithPath: "\(dir)/image.npy")))
    let c = Float(x.shape[2] / 2)
    let points = try PointPrompts(
      coords: Tensor(shape: [1, 1, 3], scalars: [c, c, c]), labels: IntTensor([1]).reshaped([1, 1]))
    // The class forward runs with gradients: its logits are compared, then its loss backpropagated.
    let auto = try model(x, classes: [3])
    let point = try GradMode.withNoGrad { try model(x, points: points) }
    for (mode, ours) in [("auto", auto.value), ("point", point.value)] {
      let expected = try NPY.readTensor(URL(fileURLWithPath: "\(dir)/\(mode).npy"))
      guard ours.shape == expected.shape else {
        throw VistaError("\(mode): ours \(ours.shape) vs MONAI \(expected.shape)")
      }
      let (maxDiff, maxRef) = maxErrors(ours.scalars.map(Double.init), expected.scalars.map(Double.init))
      print(String(format: "%-5@ max|ours − MONAI| %.3g, max|MONAI| %.4g, relative %.3g", mode as NSString, maxDiff, maxRef, maxDiff / maxRef))
    }
    let target = Variable(try NPY.readTensor(URL(fileURLWithPath: "\(dir)/target.npy")))
    let loss = try mean(sigmoid(auto) * target)
    try loss.backward()
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("grad_") }.sorted()
    for file in files {
      let key = String(file.dropFirst(5).dropLast(4))
      guard let p = model.parameters.first(where: { $0.name == key }), let grad = p.grad else {
        throw VistaError("\(key): no such parameter, or it has no gradient")
      }
      let monai = try NPY.readTensor(URL(fileURLWithPath: "\(dir)/\(file)")).scalars.map(Double.init)
      var line = String(format: "grad %@: vs MONAI %.3g", key as NSString, relativeError(grad.scalars.map(Double.init), monai))
      let f64 = "\(dir)/grad64_\(key).npy"
      if FileManager.default.fileExists(atPath: f64) {
        let exact = try NPY.readTensor(URL(fileURLWithPath: f64)).scalars.map(Double.init)
        line += String(
          format: "; vs float64: ours %.3g, MONAI float32 %.3g", relativeError(grad.scalars.map(Double.init), exact),
          relativeError(monai, exact))
      }
      print(line)
    }
  }
}
