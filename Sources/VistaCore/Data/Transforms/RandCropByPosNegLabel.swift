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
    spatialSize: [Int], pos: Double = 1, neg: Double = 1, numSamples: Int = 1, imageThreshold: Float = 0,
    allowSmaller: Bool = false
  ) {
    self.spatialSize = spatialSize
    (self.pos, self.neg, self.numSamples) = (pos, neg, numSamples)
    self.imageThreshold = imageThreshold
    self.allowSmaller = allowSmaller
  }

  /// Draws `numSamples` centres (already clamped) from the label (and image for background).
  public func sampleCentres(label: Volume, image: Volume?, using rng: inout RandomGenerator) throws -> [[Int]] {
    guard pos >= 0, neg >= 0, pos + neg > 0 else {
      throw VistaError("rand_crop_by_pos_neg_label: pos and neg must be ≥ 0 and not both 0")
    }
    let shape = label.spatialShape
    let n = shape.elementCount
    var fg: [Int32] = []
    var bg: [Int32] = []
    label.array.withUnsafeBufferPointer { lb in
      let l = lb.baseAddress!
      if let image {
        image.array.withUnsafeBufferPointer { ib in
          let im = ib.baseAddress!
          let nc = image.channels
          for i in 0..<n {
            if l[i] > 0 { fg.append(Int32(i)); continue }
            var any = false
            for c in 0..<nc where im[c * n + i] > imageThreshold { any = true; break }
            if any { bg.append(Int32(i)) }
          }
        }
      } else {
        for i in 0..<n { if l[i] > 0 { fg.append(Int32(i)) } else { bg.append(Int32(i)) } }
      }
    }
    if fg.isEmpty && bg.isEmpty {
      throw VistaError("rand_crop_by_pos_neg_label: no sampling location available (no foreground or background)")
    }
    var ratio = pos / (pos + neg)
    if fg.isEmpty { ratio = 0 } else if bg.isEmpty { ratio = 1 }
    var centres: [[Int]] = []
    for _ in 0..<numSamples {
      let pool = rng.nextDouble() < ratio ? fg : bg
      let idx = Int(pool[rng.nextInt(below: pool.count)])
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
