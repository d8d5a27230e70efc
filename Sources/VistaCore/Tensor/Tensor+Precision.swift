/// Conversion to and from 16-bit storage (Float16 and BFloat16), for mixed precision and checkpoints.
extension Tensor {
  /// IEEE half-precision bit patterns (round to nearest even).
  public func float16Bits() -> [UInt16] {
    scalars.map { Float16($0).bitPattern }
  }

  /// A tensor from IEEE half-precision bit patterns.
  public init(shape: [Int], float16Bits bits: [UInt16]) throws {
    try self.init(shape: shape, scalars: bits.map { Float(Float16(bitPattern: $0)) })
  }

  /// bfloat16 bit patterns: the top 16 bits of the float, rounded to nearest even (NaN kept quiet).
  public func bfloat16Bits() -> [UInt16] {
    scalars.map(floatToBFloat16)
  }

  /// A tensor from bfloat16 bit patterns.
  public init(shape: [Int], bfloat16Bits bits: [UInt16]) throws {
    try self.init(shape: shape, scalars: bits.map(bfloat16ToFloat))
  }

  /// The values rounded through bfloat16 and back (what bf16 storage keeps).
  public func roundedToBFloat16() -> Tensor {
    Tensor(unchecked: shape, scalars.map { bfloat16ToFloat(floatToBFloat16($0)) })
  }

  /// The values rounded through Float16 and back.
  public func roundedToFloat16() -> Tensor {
    Tensor(unchecked: shape, scalars.map { Float(Float16($0)) })
  }
}

/// Rounds a Float to bfloat16 bits (nearest even), as PyTorch's `c10::BFloat16` does.
@inline(__always) public func floatToBFloat16(_ x: Float) -> UInt16 {
  if x.isNaN { return 0x7FC0 }
  let bits = x.bitPattern
  let lsb = (bits >> 16) & 1
  let rounded = bits &+ 0x7FFF &+ lsb
  return UInt16(truncatingIfNeeded: rounded >> 16)
}

/// Widens bfloat16 bits to a Float exactly.
@inline(__always) public func bfloat16ToFloat(_ b: UInt16) -> Float {
  Float(bitPattern: UInt32(b) << 16)
}
