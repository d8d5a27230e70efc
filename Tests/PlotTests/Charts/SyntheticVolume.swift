import Foundation
import Plot

/// A small synthetic abdomen in RAS orientation ([X, Y, Z], x towards patient Right, y towards
/// Anterior, z towards Superior): air, a body ellipse of soft tissue with a fat rim, a spine
/// (posterior), a "liver" on the patient's right (class 1), a "spleen" on the left (class 2) and
/// a "kidney" (class 3). The prediction is the label with the liver shifted and the kidney missed.
struct SyntheticVolume {
  let shape: [Int]
  let spacing: [Double]
  var image: [Float]
  var label: [Int32]
  var prediction: [Int32]

  init(shape: [Int] = [96, 96, 40], spacing: [Double] = [2, 2, 4]) {
    self.shape = shape
    self.spacing = spacing
    let (X, Y, Z) = (shape[0], shape[1], shape[2])
    var img = [Float](repeating: -1000, count: X * Y * Z)
    var lab = [Int32](repeating: 0, count: X * Y * Z)
    var pred = lab
    for x in 0..<X {
      for y in 0..<Y {
        for z in 0..<Z {
          let i = (x * Y + y) * Z + z
          // Normalised coordinates: u = +1 at patient right, v = +1 anterior, w = +1 superior.
          let u = (Double(x) + 0.5) / Double(X) * 2 - 1
          let v = (Double(y) + 0.5) / Double(Y) * 2 - 1
          let w = (Double(z) + 0.5) / Double(Z) * 2 - 1
          let body = (u * u) / 0.85 + (v * v) / 0.55
          if body > 1 { continue }
          var hu: Float = body > 0.8 ? -100 : 40
          hu += grain(x, y, z)
          let spine = (u * u + (v + 0.5) * (v + 0.5)) < 0.012
          if spine { hu = 700 }
          let liver =
            ((u - 0.35) * (u - 0.35)) / 0.09 + ((v - 0.05) * (v - 0.05)) / 0.12 + (w * w) / 0.6 < 1
          let liverShift =
            ((u - 0.30) * (u - 0.30)) / 0.09 + ((v - 0.08) * (v - 0.08)) / 0.12 + (w * w) / 0.6 < 1
          let spleen =
            ((u + 0.5) * (u + 0.5)) / 0.02 + ((v + 0.1) * (v + 0.1)) / 0.03 + (w * w) / 0.3 < 1
          let kidney =
            ((u + 0.25) * (u + 0.25)) / 0.008 + ((v + 0.38) * (v + 0.38)) / 0.012 + (w * w) / 0.2
            < 1
          if liver {
            hu = 65 + grain(x, y, z)
            lab[i] = 1
          }
          if spleen {
            hu = 50 + grain(x, y, z)
            lab[i] = 2
          }
          if kidney {
            hu = 150 + grain(x, y, z)
            lab[i] = 3
          }
          if liverShift { pred[i] = 1 }
          if spleen { pred[i] = 2 }
          img[i] = hu
        }
      }
    }
    image = img
    label = lab
    prediction = pred
  }
}

/// Deterministic ±12 HU noise from a hash of the voxel index (CT-like grain).
private func grain(_ x: Int, _ y: Int, _ z: Int) -> Float {
  var h = UInt64(truncatingIfNeeded: x &* 73_856_093 ^ y &* 19_349_663 ^ z &* 83_492_791)
  h = (h ^ (h >> 13)) &* 0x5bd1_e995
  h ^= h >> 15
  return Float(h % 25) - 12
}
