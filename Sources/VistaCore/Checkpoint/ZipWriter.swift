/// Writes a zip archive of stored members the way `torch.save` does: each member's data starts on
/// a 64-byte boundary (padding in an `FB` extra field), ZIP64 fields where sizes or offsets need
/// them, and a ZIP64 end record always (as torch writes).
///
/// Members stream straight into a `FileSink`; the caller supplies each member's CRC and size up
/// front, so nothing is buffered.
struct ZipWriter {
  private struct Written {
    let name: [UInt8]
    let crc: UInt32
    let size: Int
    let headerOffset: Int
  }

  private let sink: FileSink
  private var written: [Written] = []
  /// Data alignment in bytes.
  let alignment = 64

  init(sink: FileSink) { self.sink = sink }

  /// Writes the local header of a member of `size` bytes with checksum `crc`; the caller then
  /// writes exactly `size` bytes of data with `sink.write`.
  mutating func beginMember(_ name: String, size: Int, crc: UInt32) throws {
    let nameBytes = Array(name.utf8)
    let offset = sink.offset
    let big = size >= 0xFFFF_FFFF
    var h: [UInt8] = []
    h.reserveCapacity(30 + nameBytes.count + 128)
    h.appendLE(UInt32(0x0403_4B50))
    h.appendLE(UInt16(big ? 45 : 20))  // version needed
    h.appendLE(UInt16(0))  // flags
    h.appendLE(UInt16(0))  // stored
    h.appendLE(UInt16(0))  // time
    h.appendLE(UInt16(0x21))  // date 1980-01-01
    h.appendLE(crc)
    h.appendLE(big ? UInt32(0xFFFF_FFFF) : UInt32(size))
    h.appendLE(big ? UInt32(0xFFFF_FFFF) : UInt32(size))
    h.appendLE(UInt16(nameBytes.count))
    var extra: [UInt8] = []
    if big {
      extra.appendLE(UInt16(1))
      extra.appendLE(UInt16(16))
      extra.appendLE(UInt64(size))
      extra.appendLE(UInt64(size))
    }
    // Pad with an "FB" field so the data begins on an alignment boundary.
    let unpadded = offset + 30 + nameBytes.count + extra.count
    var pad = (alignment - unpadded % alignment) % alignment
    if pad > 0 && pad < 4 { pad += alignment }
    if pad > 0 {
      extra.append(contentsOf: [0x46, 0x42])  // "FB"
      extra.appendLE(UInt16(pad - 4))
      extra.append(contentsOf: [UInt8](repeating: 0x5A, count: pad - 4))  // "Z"
    }
    h.appendLE(UInt16(extra.count))
    h.append(contentsOf: nameBytes)
    h.append(contentsOf: extra)
    try sink.write(h)
    written.append(Written(name: nameBytes, crc: crc, size: size, headerOffset: offset))
  }

  /// Writes a small member whole.
  mutating func addMember(_ name: String, _ bytes: [UInt8]) throws {
    try beginMember(name, size: bytes.count, crc: CRC32.checksum(bytes))
    try sink.write(bytes)
  }

  /// Writes the central directory and the end records.
  func finish() throws {
    let cdStart = sink.offset
    var cd: [UInt8] = []
    for w in written {
      let bigSize = w.size >= 0xFFFF_FFFF
      let bigOffset = w.headerOffset >= 0xFFFF_FFFF
      var extra: [UInt8] = []
      if bigSize || bigOffset {
        extra.appendLE(UInt16(1))
        extra.appendLE(UInt16((bigSize ? 16 : 0) + (bigOffset ? 8 : 0)))
        if bigSize {
          extra.appendLE(UInt64(w.size))
          extra.appendLE(UInt64(w.size))
        }
        if bigOffset { extra.appendLE(UInt64(w.headerOffset)) }
      }
      let needs64 = bigSize || bigOffset
      cd.appendLE(UInt32(0x0201_4B50))
      cd.appendLE(UInt16(needs64 ? 45 : 20))  // version made by
      cd.appendLE(UInt16(needs64 ? 45 : 20))  // version needed
      cd.appendLE(UInt16(0))
      cd.appendLE(UInt16(0))
      cd.appendLE(UInt16(0))
      cd.appendLE(UInt16(0x21))
      cd.appendLE(w.crc)
      cd.appendLE(bigSize ? UInt32(0xFFFF_FFFF) : UInt32(w.size))
      cd.appendLE(bigSize ? UInt32(0xFFFF_FFFF) : UInt32(w.size))
      cd.appendLE(UInt16(w.name.count))
      cd.appendLE(UInt16(extra.count))
      cd.appendLE(UInt16(0))  // comment
      cd.appendLE(UInt16(0))  // disk
      cd.appendLE(UInt16(0))  // internal attributes
      cd.appendLE(UInt32(0))  // external attributes
      cd.appendLE(bigOffset ? UInt32(0xFFFF_FFFF) : UInt32(w.headerOffset))
      cd.append(contentsOf: w.name)
      cd.append(contentsOf: extra)
    }
    let cdSize = cd.count
    let z64Offset = cdStart + cdSize
    // ZIP64 end of central directory record and locator.
    cd.appendLE(UInt32(0x0606_4B50))
    cd.appendLE(UInt64(44))
    cd.appendLE(UInt16(45))
    cd.appendLE(UInt16(45))
    cd.appendLE(UInt32(0))
    cd.appendLE(UInt32(0))
    cd.appendLE(UInt64(written.count))
    cd.appendLE(UInt64(written.count))
    cd.appendLE(UInt64(cdSize))
    cd.appendLE(UInt64(cdStart))
    cd.appendLE(UInt32(0x0706_4B50))
    cd.appendLE(UInt32(0))
    cd.appendLE(UInt64(z64Offset))
    cd.appendLE(UInt32(1))
    // Classic end record (saturated fields defer to the ZIP64 record).
    let n16 = UInt16(clamping: written.count)
    cd.appendLE(UInt32(0x0605_4B50))
    cd.appendLE(UInt16(0))
    cd.appendLE(UInt16(0))
    cd.appendLE(n16)
    cd.appendLE(n16)
    cd.appendLE(cdSize >= 0xFFFF_FFFF ? UInt32(0xFFFF_FFFF) : UInt32(cdSize))
    cd.appendLE(cdStart >= 0xFFFF_FFFF ? UInt32(0xFFFF_FFFF) : UInt32(cdStart))
    cd.appendLE(UInt16(0))
    try sink.write(cd)
  }
}
