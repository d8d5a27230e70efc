import Foundation

/// A synthetic abdominal CT dataset in the Medical Segmentation Decathlon layout (the embedded default).
///
/// Each case: air (−1000 HU), a body ellipse of soft tissue (~15 HU) with a subcutaneous fat ring (−100 HU),
/// a spine (cortical bone ~700 HU, marrow ~250 HU), a liver (~65 HU, with darker branching vessels) on the
/// patient's right and a spleen (~55 HU, homogeneous, lobulated) on the left-posterior side, each organ
/// wrapped in a thin fat rim, smooth texture and Gaussian noise. Size, position and shape vary per case. Voxels are 0.8 × 0.8 × 2.5 mm in LPS orientation
/// (like DICOM-derived files), so Orientation and Spacing have work to do. Labels: spleen 1, liver 2.
public enum SyntheticDataset {
  /// Writes `cases` cases to `folder` (dataset.json, imagesTr/, labelsTr/) and returns the folder.
  ///
  /// `size` is [X, Y, Z] in voxels. The same seed gives the same files.
  @discardableResult
  public static func write(
    to folder: URL, cases: Int = 8, size: [Int] = [96, 96, 64], seed: UInt64 = 0
  ) throws
    -> URL
  {
    guard cases > 0 else { throw VistaError("synthetic_dataset: cases must be ≥ 1, got \(cases)") }
    guard size.count == 3, size.allSatisfy({ $0 >= 16 }) else {
      throw VistaError("synthetic_dataset: size must be 3 values ≥ 16, got \(size)")
    }
    let fm = FileManager.default
    let images = folder.appendingPathComponent("imagesTr")
    let labels = folder.appendingPathComponent("labelsTr")
    do {
      try fm.createDirectory(at: images, withIntermediateDirectories: true)
      try fm.createDirectory(at: labels, withIntermediateDirectories: true)
    } catch {
      throw VistaError(
        "synthetic_dataset: cannot create \(folder.path): \(error.localizedDescription)")
    }
    var training: [[String: String]] = []
    for c in 0..<cases {
      let name = String(format: "synth_%03d.nii.gz", c)
      let (image, label) = makeCase(index: c, size: size, seed: seed)
      try NIfTI.write(image, to: images.appendingPathComponent(name), dtype: "int16")
      try NIfTI.write(label, to: labels.appendingPathComponent(name), dtype: "uint8")
      training.append(["image": "./imagesTr/\(name)", "label": "./labelsTr/\(name)"])
    }
    let json: [String: Any] = [
      "name": "SyntheticSpleen",
      "description":
        "Synthetic abdominal CT (vista synthetic_dataset, seed \(seed)); spleen 1, liver 2",
      "tensorImageSize": "3D",
      "modality": ["0": "CT"],
      "labels": ["0": "background", "1": "spleen", "2": "liver"],
      "numTraining": cases,
      "numTest": 0,
      "training": training,
      "test": [String](),
    ]
    let data = try JSONSerialization.data(
      withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
    try writeAtomically(data, to: folder.appendingPathComponent("dataset.json"))
    return folder
  }

  /// The voxel → world affine of every case: 0.8 × 0.8 × 2.5 mm, LPS, centred near the world origin.
  public static func affine(size: [Int]) -> Affine {
    let sp = [-0.8, -0.8, 2.5]
    return Affine.diagonal(sp, origin: (0..<3).map { -sp[$0] * Double(size[$0] - 1) / 2 })
  }

  /// Shape parameters of one organ: centre, semi-axes (voxels), in-plane rotation, lobulation.
  struct Blob {
    var centre: [Double]
    var radii: [Double]
    var lobes: Double
    var phase: Double
    let cosA: Double, sinA: Double

    init(centre: [Double], radii: [Double], angle: Double, lobes: Double, phase: Double) {
      (self.centre, self.radii, self.lobes, self.phase) = (centre, radii, lobes, phase)
      (cosA, sinA) = (cos(angle), sin(angle))
    }

    /// < 1 inside; the "radius" of a lobulated, rotated ellipsoid.
    @inline(__always) func level(_ x: Double, _ y: Double, _ z: Double) -> Double {
      let dx = x - centre[0]
      let dy = y - centre[1]
      let dz = z - centre[2]
      let (ca, sa) = (cosA, sinA)
      let u = (ca * dx + sa * dy) / radii[0]
      let v = (-sa * dx + ca * dy) / radii[1]
      let w = dz / radii[2]
      let r = (u * u + v * v + w * w).squareRoot()
      let theta = atan2(v, u)
      return r / (1 + lobes * sin(3 * theta + phase) * 0.5 + lobes * 0.5 * cos(2 * w + phase))
    }
  }

  /// One image (HU) and label volume.
  static func makeCase(index: Int, size: [Int], seed: UInt64) -> (Volume, Volume) {
    var rng = RandomGenerator(seed: seed &* 1_000_003 &+ UInt64(index) &* 7919 &+ 17)
    let (nx, ny, nz) = (size[0], size[1], size[2])
    let (fx, fy, fz) = (Double(nx), Double(ny), Double(nz))
    func uni(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * rng.nextDouble() }
    // Voxel axes: i → patient left, j → posterior, k → superior (LPS).
    let cx = fx / 2 + uni(-2, 2)
    let cy = fy / 2 + uni(-2, 2)
    let ax = fx * uni(0.40, 0.46)
    let ay = fy * uni(0.31, 0.36)
    let spine = [cx + uni(-1, 1), cy + ay * 0.62, fy * 0.065]
    let liver = Blob(
      centre: [cx - ax * uni(0.38, 0.48), cy - ay * uni(0.05, 0.2), fz * uni(0.5, 0.62)],
      radii: [ax * uni(0.40, 0.50), ay * uni(0.55, 0.70), fz * uni(0.28, 0.36)],
      angle: uni(-0.3, 0.3), lobes: uni(0.0, 0.12), phase: uni(0, 6.28))
    let spleen = Blob(
      centre: [cx + ax * uni(0.50, 0.62), cy + ay * uni(0.22, 0.40), fz * uni(0.42, 0.58)],
      radii: [ax * uni(0.20, 0.28), ay * uni(0.36, 0.48), fz * uni(0.17, 0.25)],
      angle: uni(-0.9, -0.3), lobes: uni(0.05, 0.2), phase: uni(0, 6.28))
    let hu = (tissue: uni(10, 20), fat: uni(-110, -90), liver: uni(62, 68), spleen: uni(52, 58))
    let texture = (0..<6).map { _ in (uni(0.1, 0.5), uni(0.1, 0.5), uni(0.05, 0.3), uni(0, 6.28)) }
    // liver vessels: thin sheets' intersections of three random plane waves, ~30 HU
    let vessels = (0..<3).map { _ in (uni(-0.6, 0.6), uni(-0.6, 0.6), uni(-0.4, 0.4), uni(0, 6.28))
    }
    let noiseSigma = uni(4, 6)
    let sliceSeed = rng.next()
    var image = Tensor(zeros: [1, nx, ny, nz])
    var label = Tensor(zeros: [1, nx, ny, nz])
    image.withUnsafeMutableBufferPointer { ib in
      label.withUnsafeMutableBufferPointer { lb in
        let img = ib.baseAddress!
        let lab = lb.baseAddress!
        parallelFor(nx) { i in
          var noise = RandomGenerator(seed: sliceSeed &+ UInt64(i))
          let x = Double(i)
          for j in 0..<ny {
            let y = Double(j)
            for k in 0..<nz {
              let z = Double(k)
              let o = (i * ny + j) * nz + k
              // the body narrows slightly towards the ends of the scan
              let taper = 1 - 0.08 * pow((z - fz / 2) / (fz / 2), 2)
              let e = pow((x - cx) / (ax * taper), 2) + pow((y - cy) / (ay * taper), 2)
              var v = -1000.0
              var l: Float = 0
              if e < 1 {
                var tex = 0.0
                for (a, b, c, p) in texture { tex += sin(a * x + b * y + c * z + p) }
                v = e > 0.78 ? hu.fat + 8 * tex : hu.tissue + 4 * tex
                let ds = ((x - spine[0]) * (x - spine[0]) + (y - spine[1]) * (y - spine[1]))
                  .squareRoot()
                if ds < spine[2] { v = ds < spine[2] * 0.7 ? 250 + 30 * tex : 700 + 20 * tex }
                let lv = liver.level(x, y, z)
                let sv = spleen.level(x, y, z)
                if lv < 1.12 || sv < 1.2 { v = hu.fat + 6 * tex }  // perivisceral fat rim
                if lv < 1 && e < 0.7 {
                  v = hu.liver + 3 * tex
                  var near = 0
                  for (a, b, c, p) in vessels where abs(sin(a * x + b * y + c * z + p)) < 0.15 {
                    near += 1
                  }
                  if near >= 2 { v = 30 + 3 * tex }
                  l = 2
                }
                if sv < 1 && e < 0.74 {
                  v = hu.spleen + 2 * tex
                  l = 1
                }
                v += Double(noise.nextNormal()) * noiseSigma
              } else {
                v += Double(noise.nextNormal()) * 5
              }
              img[o] = Float(v.rounded())
              lab[o] = l
            }
          }
        }
      }
    }
    let aff = affine(size: size)
    return (
      Volume(unchecked: image, affine: aff, dtype: "int16", source: nil),
      Volume(unchecked: label, affine: aff, dtype: "uint8", source: nil)
    )
  }
}
