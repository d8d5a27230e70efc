import Foundation

/// MONAI's RandCropByPosNegLabel: crops `numSamples` patches centred on foreground (label > 0) with
/// probability pos / (pos + neg), else on background (label == 0 and image > `imageThreshold`).
///
/// Centres are clamped with MONAI's `correct_crop_centers` rule: [size // 2, uint16(n + 1 − size / 2) − 1].
/// Uses our seeded generator (so the draws differ from numpy's); `crop(_:_:centres:)` takes given centres.
public struct RandCropByPosNegLabel: Sendable, CustomStringConvertible {
  /// Patch size per axis.
  public var spatialSize: [Int]
  /// Relative weights of foreground and background centres.
  public var pos: Double, neg: Double
  /// Patches per call.
  public var numSamples: Int
  /// Background voxels need image > this.
  public var imageThreshold: Float
  /// Allow a patch larger than the volume (the patch is then cut to the volume).
  public var allowSmaller: Bool

  /// MONAI's argument names and defaults (pos 1, neg 1, num_samples 1, image_threshold 0).
  public init(
    spatialSize: [Int], pos: Double = 1, neg: Double = 1, numSamples: Int = 1,
    imageThreshold: Float = 0,
    allowSmaller: Bool = false
  ) {
    self.spatialSize = spatialSize
    (self.pos, self.neg, self.numSamples) = (pos, neg, numSamples)
    self.imageThreshold = imageThreshold
    self.allowSmaller = allowSmaller
  }

  /// Draws `numSamples` centres (already clamped) from the label (and image for background).
  public func sampleCentres(label: Volume, image: Volume?, using rng: inout RandomGenerator) throws
    -> [[Int]]
  {
    guard pos >= 0, neg >= 0, pos + neg > 0 else {
      throw VistaError("rand_crop_by_pos_neg_label: pos and neg must be ≥ 0 and not both 0")
    }
    let shape = label.spatialShape
    let n = shape.elementCount
    let imageBuffer = image?.array ?? Tensor(zeros: [0])
    let nc = image?.channels ?? 0
    let t = imageThreshold
    // Two passes without index lists: count the classes, draw (class, rank) pairs as MONAI draws
    // (fg/bg coin, then an index into the class's voxels in flat order), then locate the ranked voxels.
    let found: [Int] = try label.array.withUnsafeBufferPointer { lb in
      try imageBuffer.withUnsafeBufferPointer { ib in
        let l = lb.baseAddress!
        let im = ib.baseAddress
        /// 1 = foreground (label > 0), 2 = background (label 0, image > threshold or no image), 0 = neither.
        @inline(__always) func kind(_ i: Int) -> UInt8 {
          if l[i] > 0 { return 1 }
          guard let im else { return 2 }
          for c in 0..<nc where im[c &* n &+ i] > t { return 2 }
          return 0
        }
        var nf = 0
        var nb = 0
        for i in 0..<n {
          switch kind(i) {
          case 1: nf += 1
          case 2: nb += 1
          default: break
          }
        }
        if nf == 0 && nb == 0 {
          throw VistaError(
            "rand_crop_by_pos_neg_label: no sampling location available (no foreground or background)"
          )
        }
        var ratio = pos / (pos + neg)
        if nf == 0 { ratio = 0 } else if nb == 0 { ratio = 1 }
        var picks: [(kind: UInt8, rank: Int)] = []
        for _ in 0..<numSamples {
          let fgPick = rng.nextDouble() < ratio
          picks.append(fgPick ? (1, rng.nextInt(below: nf)) : (2, rng.nextInt(below: nb)))
        }
        var found = [Int](repeating: -1, count: picks.count)
        var remaining = picks.count
        var cf = 0
        var cb = 0
        for i in 0..<n where remaining > 0 {
          let k = kind(i)
          if k == 0 { continue }
          let rank = k == 1 ? cf : cb
          if k == 1 { cf += 1 } else { cb += 1 }
          for (p, pick) in picks.enumerated()
          where found[p] < 0 && pick.kind == k && pick.rank == rank {
            found[p] = i
            remaining -= 1
          }
        }
        return found
      }
    }
    var centres: [[Int]] = []
    for idx in found {
      let c = [idx / (shape[1] * shape[2]), (idx / shape[2]) % shape[1], idx % shape[2]]
      centres.append(try correctCentre(c, shape: shape))
    }
    return centres
  }

  /// MONAI's `correct_crop_centers`.
  public func correctCentre(_ centre: [Int], shape: [Int]) throws -> [Int] {
    var size = spatialSize.count == 1 ? Array(repeating: spatialSize[0], count: 3) : spatialSize
    size = (0..<3).map { size[$0] <= 0 ? shape[$0] : size[$0] }
    if (0..<3).contains(where: { shape[$0] < size[$0] }) {
      guard allowSmaller else {
        throw VistaError(
          "rand_crop_by_pos_neg_label: patch \(formatShape(size)) is larger than the volume \(formatShape(shape)); "
            + "pad first (SpatialPad) or use allow_smaller")
      }
      size = (0..<3).map { min(size[$0], shape[$0]) }
    }
    return (0..<3).map { d in
      let start = size[d] / 2
      var end = Int(UInt16(truncatingIfNeeded: Int(Double(shape[d] + 1) - Double(size[d]) / 2)))
      if start == end { end += 1 }
      return min(max(centre[d], start), end - 1)
    }
  }

  /// Crops a patch of `spatialSize` around each centre (SpatialCrop with roi_center / roi_size).
  public func crop(_ volume: Volume, centres: [[Int]]) -> [Volume] {
    let size = spatialSize.count == 1 ? Array(repeating: spatialSize[0], count: 3) : spatialSize
    let shape = volume.spatialShape
    return centres.map { c in
      let start = (0..<3).map { max(c[$0] - size[$0] / 2, 0) }
      let end = (0..<3).map { min(start[$0] + size[$0], shape[$0]) }
      return cropOrPad(volume, start: start, end: end)
    }
  }

  public var description: String {
    "RandCropByPosNegLabel(spatial_size=\(spatialSize), pos=\(fmt(pos)), neg=\(fmt(neg)), "
      + "num_samples=\(numSamples), image_threshold=\(fmt(Double(imageThreshold))))"
  }
}
