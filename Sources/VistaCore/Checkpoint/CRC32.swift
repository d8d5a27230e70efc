/// CRC-32 (IEEE 802.3, zlib's `crc32`) as zip entries carry it: slicing-by-8 tables.
enum CRC32 {
  /// 8 tables of 256 entries: table k advances a byte through k further zero bytes.
  static let tables: [UInt32] = {
    var t = [UInt32](repeating: 0, count: 8 * 256)
    for i in 0..<256 {
      var c = UInt32(i)
      for _ in 0..<8 { c = (c & 1) != 0 ? (0xEDB8_8320 ^ (c >> 1)) : (c >> 1) }
      t[i] = c
    }
    for i in 0..<256 {
      var c = t[i]
      for k in 1..<8 {
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
      let t = tb.baseAddress!
      var c = ~crc
      var p = base
      var n = count
      while n >= 8 {
        let lo = p.loadUnaligned(as: UInt32.self).littleEndian ^ c
        let hi = p.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
        c = t[7 &* 256 &+ Int(lo & 0xFF)] ^ t[6 &* 256 &+ Int((lo >> 8) & 0xFF)]
          ^ t[5 &* 256 &+ Int((lo >> 16) & 0xFF)] ^ t[4 &* 256 &+ Int(lo >> 24)]
          ^ t[3 &* 256 &+ Int(hi & 0xFF)] ^ t[2 &* 256 &+ Int((hi >> 8) & 0xFF)]
          ^ t[256 &+ Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
        p += 8
        n &-= 8
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
