import Foundation

/// A medical image: a channel-first array on a voxel grid with its voxel → world (RAS+ mm) affine.
///
/// `array`: [C, X, Y, Z], row-major (Z fastest), like MONAI's channel-first [C, H, W, D] after
/// EnsureChannelFirst. Labels are volumes with integer-valued floats.
public struct Volume: Sendable, Equatable, CustomStringConvertible {
  /// The voxels: [C, X, Y, Z].
  public var array: Tensor
  /// Voxel index (i, j, k) → world mm (nibabel's `img.affine`).
  public var affine: Affine
  /// The NIfTI data type the volume was read as (or will be written as): "float32", "int16", "uint8", ...
  public var dtype: String
  /// The file it came from, if any (for messages).
  public var source: String?

  /// Wraps an array [C, X, Y, Z] (or [X, Y, Z], given a channel axis) and an affine.
  public init(
    array: Tensor, affine: Affine = .identity, dtype: String = "float32", source: String? = nil
  ) throws {
    var a = array
    if a.rank == 3 { a = try a.reshaped([1] + a.shape) }
    guard a.rank == 4 else {
      throw VistaError.badShape("Volume", array.shape, expected: "[C, X, Y, Z] or [X, Y, Z]")
    }
    self.array = a
    self.affine = affine
    self.dtype = dtype
    self.source = source
  }

  /// Internal unchecked init (array is [C, X, Y, Z]).
  init(unchecked array: Tensor, affine: Affine, dtype: String, source: String?) {
    self.array = array
    self.affine = affine
    self.dtype = dtype
    self.source = source
  }

  /// [C, X, Y, Z].
  public var shape: [Int] { array.shape }
  /// Number of channels.
  public var channels: Int { array.shape[0] }
  /// [X, Y, Z].
  public var spatialShape: [Int] { Array(array.shape.dropFirst()) }
  /// Voxel size in mm per spatial axis, from the affine.
  public var spacing: [Double] { affine.spacing }
  /// Orientation codes ("RAS", "LPS", ...) from the affine.
  public var axcodes: String { affine.axcodes }

  /// The same geometry with another array (same spatial shape required by callers).
  public func with(array: Tensor, affine: Affine? = nil, dtype: String? = nil) -> Volume {
    Volume(
      unchecked: array, affine: affine ?? self.affine, dtype: dtype ?? self.dtype, source: source)
  }

  /// Same as `summary`.
  public var description: String { summary }

  /// A one-line summary: shape, spacing, orientation, dtype.
  public var summary: String {
    let sp = spacing.map { String(format: "%.3g", $0) }.joined(separator: "×")
    return "Volume \(formatShape(shape)) spacing \(sp) mm \(axcodes) \(dtype)"
  }
}
