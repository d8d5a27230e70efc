import Foundation

/// Resamples a volume onto another grid (affine + spatial shape): MONAI's ResampleToMatch / SpatialResample.
///
/// This is the inverse of Orientation + Spacing (+ crop/pad) used to put a prediction back on the original
/// image grid (nearest for labels): output voxel v samples `inv(volume.affine) · reference.affine · v`, with
/// grid_sample semantics (border padding, align_corners = false). A pure axis permutation is exact.
public struct ResampleToMatch: Transform {
  /// Target voxel → world affine.
  public var affine: Affine
  /// Target spatial shape [X, Y, Z].
  public var spatialShape: [Int]
  /// nearest for labels, bilinear for images / probabilities.
  public var mode: InterpolationMode
  /// border (MONAI's Spacing default) or zeros (outside a crop, e.g. after CropForeground).
  public var padding: GridPadding

  /// Resample onto `reference`'s grid.
  public init(
    _ reference: Volume, mode: InterpolationMode = .nearest, padding: GridPadding = .border
  ) {
    self.init(
      affine: reference.affine, spatialShape: reference.spatialShape, mode: mode, padding: padding)
  }

  /// Resample onto an explicit grid.
  public init(
    affine: Affine, spatialShape: [Int], mode: InterpolationMode = .nearest,
    padding: GridPadding = .border
  ) {
    self.affine = affine
    self.spatialShape = spatialShape
    self.mode = mode
    self.padding = padding
  }

  public func callAsFunction(_ volume: Volume) throws -> Volume {
    guard spatialShape.count == 3, spatialShape.allSatisfy({ $0 > 0 }) else {
      throw VistaError.badShape("resample_to_match", spatialShape, expected: "3 positive sizes")
    }
    let xform = try volume.affine.inverse() * affine
    if spatialShape == volume.spatialShape && xform.isClose(to: .identity, atol: 1e-3) {
      return volume.with(array: volume.array, affine: affine)
    }
    let out = resample(
      volume.array, xform: xform, outShape: spatialShape, mode: mode, padding: padding)
    return volume.with(
      array: out, affine: affine, dtype: mode == .nearest ? volume.dtype : "float32")
  }

  public var description: String {
    "ResampleToMatch(shape=\(formatShape(spatialShape)), mode=\"\(mode.rawValue)\", padding_mode=\"\(padding.rawValue)\")"
  }
}
