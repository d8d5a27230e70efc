/// A tensor stored as 16-bit floats (bfloat16 or IEEE half bit patterns): half the bytes of a
/// `Tensor`. Autocast keeps the activations saved for backward in this form and widens them only
/// inside the pullback.
public struct PackedTensor: Sendable {
  /// The logical shape (row-major, contiguous).
  public let shape: [Int]
  /// The 16-bit format of `bits`.
  public let format: HalfPrecision
  /// One bit pattern per value.
  public let bits: [UInt16]

  /// Packs `t`, rounding each value to nearest even in `format` (exact when already representable).
  public init(_ t: Tensor, _ format: HalfPrecision) {
    shape = t.shape
    self.format = format
    let n = t.count
    bits = [UInt16](unsafeUninitializedCapacity: n) { out, initialized in
      if n > 0 {
        t.withUnsafeBufferPointer { src in packHalf(src.baseAddress!, out.baseAddress!, count: n, format) }
      }
      initialized = n
    }
  }

  /// The number of values.
  public var count: Int { bits.count }

  /// The bytes of storage (2 per value).
  public var byteCount: Int { bits.count * MemoryLayout<UInt16>.size }

  /// The values widened to float32 (exact).
  public func unpacked() -> Tensor {
    let n = bits.count
    return Tensor(shape: shape) { out in
      if n > 0 {
        bits.withUnsafeBufferPointer { src in unpackHalf(src.baseAddress!, out.baseAddress!, count: n, format) }
      }
    }
  }
}
