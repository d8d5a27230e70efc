import Foundation

/// MONAI's Orientation: permutes and flips the voxel axes so they point along `axcodes` (default "RAS").
///
/// The axis mapping is nibabel's `io_orientation` → `ornt_transform`; the new affine is
/// `affine · inv_ornt_aff(ornt, shape)`. No interpolation: the data are exactly rearranged.
public struct Orientation: Transform {
  /// Target codes, one letter per voxel axis from L/R, P/A, I/S.
  public var axcodes: String

  /// Reorients to `axcodes` ("RAS" default, as the tutorial).
  public init(axcodes: String = "RAS") { self.axcodes = axcodes }

  public func callAsFunction(_ volume: Volume) throws -> Volume {
    let dst = try axcodesToOrientation(axcodes)
    let src = ioOrientation(volume.affine)
    guard src.allSatisfy({ $0.axis >= 0 }) else {
      throw VistaError(
        "orientation: the affine of \(volume.source ?? "the volume") is degenerate:\n\(volume.affine)"
      )
    }
    // nibabel ornt_transform: for each source axis, where it goes and whether it flips.
    var ornt = [AxisOrientation](repeating: AxisOrientation(axis: 0, flip: 1), count: 3)
    for (endIn, e) in dst.enumerated() {
      for (startIn, s) in src.enumerated() where s.axis == e.axis {
        ornt[startIn] = AxisOrientation(axis: endIn, flip: s.flip == e.flip ? 1 : -1)
      }
    }
    let shape = volume.spatialShape
    // inv_ornt_aff: undo_flip · undo_reorder
    var undoFlip = Affine.identity
    for i in 0..<3 {
      let f = Double(ornt[i].flip)
      let centre = -Double(shape[i] - 1) / 2
      undoFlip[i, i] = f
      undoFlip[i, 3] = f * centre - centre
    }
    var reorder = [Double](repeating: 0, count: 16)
    for r in 0..<3 { reorder[r * 4 + ornt[r].axis] = 1 }
    reorder[15] = 1
    let newAffine = volume.affine * (undoFlip * Affine(unchecked: reorder))
    if ornt.enumerated().allSatisfy({ $0.element.axis == $0.offset && $0.element.flip == 1 }) {
      return volume.with(array: volume.array, affine: newAffine)
    }
    // Output axis j reads input axis perm[j] (flipped when ornt says so).
    var perm = [0, 0, 0]
    for i in 0..<3 { perm[ornt[i].axis] = i }
    let inStrides = [shape[1] * shape[2], shape[2], 1]
    let outShape = perm.map { shape[$0] }
    var base = 0
    var step = [0, 0, 0]
    for j in 0..<3 {
      let a = perm[j]
      if ornt[a].flip < 0 {
        base += (shape[a] - 1) * inStrides[a]
        step[j] = -inStrides[a]
      } else {
        step[j] = inStrides[a]
      }
    }
    let nc = volume.channels
    let spatial = shape.elementCount
    let (ox, oy, oz) = (outShape[0], outShape[1], outShape[2])
    let out = Tensor(shape: [nc] + outShape) { dst in
      let d = dst.baseAddress!
      volume.array.withUnsafeBufferPointer { srcBuf in
        let s = srcBuf.baseAddress!
        parallelFor(nc * ox) { cx in
          let c = cx / ox
          let x = cx % ox
          var o = cx &* oy &* oz
          let rowBase = c &* spatial &+ base &+ x &* step[0]
          for y in 0..<oy {
            var i = rowBase &+ y &* step[1]
            for _ in 0..<oz {
              d[o] = s[i]
              o &+= 1
              i &+= step[2]
            }
          }
        }
      }
    }
    return volume.with(array: out, affine: newAffine)
  }

  public var description: String { "Orientation(axcodes=\"\(axcodes)\")" }
}
