/// Turns raw little-endian storage bytes (a strided view into them) into a `StateValue`, with one
/// copy: straight from the mapped file into the tensor's own buffer.
enum StorageConversion {

  /// Copies the view `offset/shape/strides` (in elements) of a storage of `storageCount` elements
  /// of `dtype` at `base` into a contiguous `StateValue`.
  ///
  /// Throws when the view reaches outside the storage or an int64 does not fit Int32; `what`
  /// names the tensor in errors (`checkpoint 'x.pt': tensor 'key'`).
  static func value(
    base: UnsafeRawPointer?, storageCount: Int, dtype: StorageDType, offset: Int, shape: [Int],
    strides: [Int],
    what: String
  ) throws -> StateValue {
    guard shape.count == strides.count, shape.allSatisfy({ $0 >= 0 }),
      strides.allSatisfy({ $0 >= 0 }), offset >= 0
    else {
      throw VistaError(
        "\(what): unsupported tensor layout (size \(formatShape(shape)), stride \(formatShape(strides)))"
      )
    }
    var n = 1
    var last = offset  // highest element index the view touches
    for (s, st) in zip(shape, strides) {
      let (m, o1) = n.multipliedReportingOverflow(by: s)
      guard !o1 else { throw VistaError("\(what): size \(formatShape(shape)) is too large") }
      n = m
      if s > 0 {
        let (step, o2) = (s - 1).multipliedReportingOverflow(by: st)
        let (sum, o3) = last.addingReportingOverflow(step)
        guard !o2, !o3 else {
          throw VistaError("\(what): stride \(formatShape(strides)) is too large")
        }
        last = sum
      }
    }
    // A zero-stride view can claim far more elements than its storage holds; refuse absurd sizes
    // instead of trying to allocate them.
    guard n <= max(Int(Int32.max), storageCount) else {
      throw VistaError(
        "\(what): size \(formatShape(shape)) (\(n) elements) is larger than this reader supports")
    }
    if n > 0 {
      guard last < storageCount else {
        throw VistaError(
          "\(what): view (offset \(offset), size \(formatShape(shape)), stride \(formatShape(strides))) reaches element \(last) of a storage of \(storageCount) elements; the file is corrupt"
        )
      }
    }
    guard n > 0 else {
      return dtype.isFloatingPoint
        ? .float(Tensor(zeros: shape), dtype) : .int(IntTensor(zeros: shape), dtype)
    }
    guard let src = base else {
      throw VistaError("\(what): its storage is empty; the file is corrupt")
    }
    let contiguous = zip(zip(shape, strides), shape.contiguousStrides).allSatisfy {
      $0.0 == 1 || $0.1 == $1
    }
    if dtype.isFloatingPoint {
      let t = Tensor(shape: shape) { out in
        guard n > 0, let dst = out.baseAddress else { return }
        if contiguous {
          convertFloats(src + offset * dtype.byteSize, dtype, n, dst)
        } else {
          gather(shape: shape, strides: strides, offset: offset) {
            runStart, runStride, runLength, outAt in
            if runStride == 1 {
              convertFloats(src + runStart * dtype.byteSize, dtype, runLength, dst + outAt)
            } else {
              for i in 0..<runLength {
                convertFloats(
                  src + (runStart + i * runStride) * dtype.byteSize, dtype, 1, dst + outAt + i)
              }
            }
          }
        }
      }
      return .float(t, dtype)
    }
    var ints = [Int32](repeating: 0, count: n)
    var overflow = false
    ints.withUnsafeMutableBufferPointer { out in
      guard n > 0, let dst = out.baseAddress else { return }
      gather(shape: shape, strides: strides, offset: offset) {
        runStart, runStride, runLength, outAt in
        for i in 0..<runLength {
          let p = src + (runStart + i * runStride) * dtype.byteSize
          if !convertInt(p, dtype, dst + outAt + i) { overflow = true }
        }
      }
    }
    guard !overflow else {
      throw VistaError("\(what): int64 values outside the Int32 range are not supported")
    }
    return .int(IntTensor(unchecked: shape, ints), dtype)
  }

  /// Calls `run(start, stride, length, outOffset)` for each innermost row of the view, in
  /// row-major output order (a contiguous view is a single run).
  static func gather(shape: [Int], strides: [Int], offset: Int, _ run: (Int, Int, Int, Int) -> Void)
  {
    let n = shape.elementCount
    if n == 0 { return }
    if shape.isEmpty {
      run(offset, 1, 1, 0)
      return
    }
    let inner = shape[shape.count - 1]
    let innerStride = strides[strides.count - 1]
    let outer = shape.count - 1
    var idx = [Int](repeating: 0, count: outer)
    var start = offset
    var out = 0
    while out < n {
      run(start, innerStride, inner, out)
      out += inner
      // Advance the outer multi-index (odometer), updating the source start.
      var d = outer - 1
      while d >= 0 {
        idx[d] += 1
        start += strides[d]
        if idx[d] < shape[d] { break }
        start -= strides[d] * shape[d]
        idx[d] = 0
        d -= 1
      }
    }
  }

  /// Widens `count` contiguous elements of a float `dtype` to Float.
  @inline(__always)
  static func convertFloats(
    _ src: UnsafeRawPointer, _ dtype: StorageDType, _ count: Int, _ dst: UnsafeMutablePointer<Float>
  ) {
    switch dtype {
    case .float32:
      // Large copies run on both cores; the mapped source faults in page by page.
      let bytes = count * 4
      if bytes >= 1 << 21 {
        let raw = UnsafeMutableRawPointer(dst)
        adviseHugePages(raw, byteCount: bytes)
        parallelRanges(bytes, minChunk: 1 << 20) { r in
          (raw + r.lowerBound).copyMemory(from: src + r.lowerBound, byteCount: r.count)
        }
      } else {
        UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: bytes)
      }
    case .float16:
      for i in 0..<count {
        dst[i] = Float(
          Float16(
            bitPattern: UInt16(
              littleEndian: src.loadUnaligned(fromByteOffset: 2 &* i, as: UInt16.self))))
      }
    case .bfloat16:
      for i in 0..<count {
        dst[i] = bfloat16ToFloat(
          UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 &* i, as: UInt16.self)))
      }
    case .float64:
      for i in 0..<count {
        dst[i] = Float(
          Double(
            bitPattern: UInt64(
              littleEndian: src.loadUnaligned(fromByteOffset: 8 &* i, as: UInt64.self))))
      }
    default:
      preconditionFailure("convertFloats called with \(dtype)")
    }
  }

  /// Reads one integer element; false when an int64 does not fit Int32.
  @inline(__always)
  static func convertInt(
    _ p: UnsafeRawPointer, _ dtype: StorageDType, _ dst: UnsafeMutablePointer<Int32>
  ) -> Bool {
    switch dtype {
    case .int64:
      let v = Int64(littleEndian: p.loadUnaligned(as: Int64.self))
      guard let w = Int32(exactly: v) else { return false }
      dst.pointee = w
    case .int32: dst.pointee = Int32(littleEndian: p.loadUnaligned(as: Int32.self))
    case .int16: dst.pointee = Int32(Int16(littleEndian: p.loadUnaligned(as: Int16.self)))
    case .int8: dst.pointee = Int32(p.load(as: Int8.self))
    case .uint8: dst.pointee = Int32(p.load(as: UInt8.self))
    case .bool: dst.pointee = p.load(as: UInt8.self) != 0 ? 1 : 0
    default: preconditionFailure("convertInt called with \(dtype)")
    }
    return true
  }
}
