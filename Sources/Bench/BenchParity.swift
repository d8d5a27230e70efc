import Foundation
import VistaCore

/// `vista-bench parity [folder]`: vista3d132 on the files scripts/dev/check_model_parity.py wrote
/// (MONAI's seeded state_dict, a 64³ image, MONAI's class-3 and centre-click logits); prints
/// max|ours − MONAI| / max|MONAI| for each prompt.
enum BenchParity {
  static func run(_ args: [String]) throws {
    let dir = args.first ?? "/tmp/vista_parity"
    let model = try VISTA3D.load(.vista3d132, checkpoint: "\(dir)/model.pt")
    let x = Variable(try NPY.readTensor(URL(fileURLWithPath: "\(dir)/image.npy")))
    let c = Float(x.shape[2] / 2)
    let points = try PointPrompts(
      coords: Tensor(shape: [1, 1, 3], scalars: [c, c, c]), labels: IntTensor([1]).reshaped([1, 1]))
    for mode in ["auto", "point"] {
      let expected = try NPY.readTensor(URL(fileURLWithPath: "\(dir)/\(mode).npy"))
      let ours = try GradMode.withNoGrad {
        mode == "auto" ? try model(x, classes: [3]) : try model(x, points: points)
      }.value
      guard ours.shape == expected.shape else {
        throw VistaError("\(mode): ours \(ours.shape) vs MONAI \(expected.shape)")
      }
      var maxDiff: Float = 0
      var maxRef: Float = 0
      for (a, b) in zip(ours.scalars, expected.scalars) {
        maxDiff = max(maxDiff, abs(a - b))
        maxRef = max(maxRef, abs(b))
      }
      print(String(format: "%-5@ max|ours − MONAI| %.3g, max|MONAI| %.4g, relative %.3g", mode as NSString, maxDiff, maxRef, maxDiff / maxRef))
    }
  }
}
