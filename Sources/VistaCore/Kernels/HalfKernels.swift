/// Conversions between float32 and the 16-bit formats (bfloat16, IEEE half), parallel over the
/// cores: rounding (nearest even, as c10::BFloat16 / c10::Half), packing to bit patterns, widening,
/// and an exactness test.

/// Chunk length below which the conversions stay on one core.
private let halfMinChunk = 1 << 15

/// dst[i] = float(half(src[i])); src may equal dst.
func roundToHalf(
  _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int, _ p: HalfPrecision
) {
  parallelRanges(count, minChunk: halfMinChunk) { r in
    switch p {
    case .bf16:
      for i in r { dst[i] = bfloat16ToFloat(floatToBFloat16(src[i])) }
    case .fp16:
      for i in r { dst[i] = Float(Float16(src[i])) }
    }
  }
}

/// dst[i] = bits of half(src[i]).
func packHalf(
  _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt16>, count: Int, _ p: HalfPrecision
) {
  parallelRanges(count, minChunk: halfMinChunk) { r in
    switch p {
    case .bf16:
      for i in r { dst[i] = floatToBFloat16(src[i]) }
    case .fp16:
      for i in r { dst[i] = Float16(src[i]).bitPattern }
    }
  }
}

/// dst[i] = float(src[i] as a 16-bit pattern), exact.
func unpackHalf(
  _ src: UnsafePointer<UInt16>, _ dst: UnsafeMutablePointer<Float>, count: Int, _ p: HalfPrecision
) {
  parallelRanges(count, minChunk: halfMinChunk) { r in
    switch p {
    case .bf16:
      for i in r { dst[i] = bfloat16ToFloat(src[i]) }
    case .fp16:
      for i in r { dst[i] = Float(Float16(bitPattern: src[i])) }
    }
  }
}

/// True when every src[i] is exactly representable in `p` (NaN counts as representable).
func isHalfExact(_ src: UnsafePointer<Float>, count: Int, _ p: HalfPrecision) -> Bool {
  let chunk = 1 << 16
  let chunks = (count + chunk - 1) / chunk
  if chunks == 0 { return true }
  var ok = [Bool](repeating: true, count: chunks)
  ok.withUnsafeMutableBufferPointer { flags in
    let f = flags.baseAddress!
    parallelFor(chunks) { c in
      let lo = c * chunk
      let hi = min(count, lo + chunk)
      switch p {
      case .bf16:
        // Exact iff the low 16 bits are zero (OR-reduce so the loop vectorises).
        var acc: UInt32 = 0
        for i in lo..<hi { acc |= src[i].bitPattern & 0xFFFF }
        f[c] = acc == 0
      case .fp16:
        var exact = true
        for i in lo..<hi {
          let x = src[i]
          if Float(Float16(x)) != x && !x.isNaN { exact = false }
        }
        f[c] = exact
      }
    }
  }
  return !ok.contains(false)
}
