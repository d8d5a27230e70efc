/// CRC-32 (IEEE 802.3, zlib's `crc32`) as zip entries carry it: slicing-by-16 tables.
enum CRC32 {
  /// 16 tables of 256 entries: table k advances a byte through k further zero bytes.
  static let tables: [UInt32] = {
    var t = [UInt32](repeating: 0, count: 16 * 256)
    for i in 0..<256 {
      var c = UInt32(i)
      for _ in 0..<8 { c = (c & 1) != 0 ? (0xEDB8_8320 ^ (c >> 1)) : (c >> 1) }
      t[i] = c
    }
    for i in 0..<256 {
      var c = t[i]
      for k in 1..<16 {
        c = t[Int(c & 0xFF)] ^ (c >> 8)
        t[k * 256 + i] = c
      }
    }
    return t
  }()

  /// The CRC of `count` bytes at `base`, continuing from `crc` (0 to start).
  static func checksum(_ base: UnsafeRawPointer?, count: Int, crc: UInt32 = 0) -> UInt32 {
    guard let base, count > 0 else { return crc }
    return tables.withUnsafeBufferPointer { tb -> UInt32 in
      guard let t = tb.baseAddress else { return crc }
      @inline(__always) func lookup(_ k: Int, _ b: UInt32) -> UInt32 {
        t[k &* 256 &+ Int(b & 0xFF)]
      }
      var c = ~crc
      var p = base
      var n = count
      while n >= 16 {
        let w0 = p.loadUnaligned(as: UInt32.self).littleEndian ^ c
        let w1 = p.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
        let w2 = p.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian
        let w3 = p.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian
        c =
          lookup(15, w0) ^ lookup(14, w0 >> 8) ^ lookup(13, w0 >> 16) ^ lookup(12, w0 >> 24)
          ^ lookup(11, w1) ^ lookup(10, w1 >> 8) ^ lookup(9, w1 >> 16) ^ lookup(8, w1 >> 24)
          ^ lookup(7, w2) ^ lookup(6, w2 >> 8) ^ lookup(5, w2 >> 16) ^ lookup(4, w2 >> 24)
          ^ lookup(3, w3) ^ lookup(2, w3 >> 8) ^ lookup(1, w3 >> 16) ^ lookup(0, w3 >> 24)
        p += 16
        n &-= 16
      }
      while n > 0 {
        c = t[Int((c ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (c >> 8)
        p += 1
        n &-= 1
      }
      return ~c
    }
  }

  /// The CRC of a byte array.
  static func checksum(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBytes { checksum($0.baseAddress, count: $0.count) }
  }
}
