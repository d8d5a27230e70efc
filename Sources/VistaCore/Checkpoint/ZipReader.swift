/// One stored (uncompressed) member of a zip archive.
struct ZipEntry: Sendable {
  /// The member's path inside the archive.
  let name: String
  /// Byte offset of the member's data in the archive.
  let dataOffset: Int
  /// Length of the data in bytes.
  let size: Int
  /// The CRC-32 the central directory records.
  let crc: UInt32
}

/// The central directory of a zip archive held in memory (PyTorch's `torch.save` container).
///
/// Only stored members are supported (torch never compresses). ZIP64 end records and ZIP64
/// extra fields are read, so members beyond 4 GB are found.
struct ZipArchive {
  /// The members in central-directory order.
  let entries: [ZipEntry]
  private let byName: [String: Int]
  private let reader: ByteReader
  /// The archive's path, for errors.
  let path: String

  /// Parses the central directory of `bytes`; `path` names the file in errors.
  init(_ bytes: UnsafeRawBufferPointer, path: String) throws {
    self.path = path
    let r = ByteReader(bytes: bytes)
    reader = r
    func bad(_ why: String) -> VistaError {
      VistaError("checkpoint '\(path)' is not a readable torch.save file: \(why)")
    }
    // End of central directory: the last "PK\5\6" within the final 64 KiB + 22 bytes.
    guard bytes.count >= 22 else {
      throw bad("the file is too short to be a zip archive (\(bytes.count) bytes)")
    }
    var eocd = -1
    var o = bytes.count - 22
    let lowest = max(0, bytes.count - 22 - 65_535)
    while o >= lowest {
      if r.u32(o) == 0x0605_4B50 {
        eocd = o
        break
      }
      o -= 1
    }
    guard eocd >= 0 else {
      throw bad("no zip end-of-directory record (not a zip archive, or truncated)")
    }
    guard let n16 = r.u16(eocd + 10), let size32 = r.u32(eocd + 12), let offset32 = r.u32(eocd + 16)
    else {
      throw bad("truncated end-of-directory record")
    }
    var count = Int(n16)
    var cdSize = Int(size32)
    var cdOffset = Int(offset32)
    // ZIP64 locator sits just before the classic record.
    if eocd >= 20, r.u32(eocd - 20) == 0x0706_4B50, let z64 = r.u64(eocd - 12) {
      let z = Int(clamping: z64)
      guard r.u32(z) == 0x0606_4B50, let n = r.u64(z + 32), let s = r.u64(z + 40),
        let off = r.u64(z + 48)
      else {
        throw bad("broken ZIP64 end-of-directory record")
      }
      count = Int(clamping: n)
      cdSize = Int(clamping: s)
      cdOffset = Int(clamping: off)
    }
    guard r.contains(cdOffset, cdSize) else {
      throw bad("the central directory lies outside the file (truncated?)")
    }

    var list: [ZipEntry] = []
    list.reserveCapacity(min(count, 1 << 20))
    var map: [String: Int] = [:]
    var p = cdOffset
    for _ in 0..<count {
      guard r.u32(p) == 0x0201_4B50, let method = r.u16(p + 10), let crc = r.u32(p + 16),
        let csize32 = r.u32(p + 20), let usize32 = r.u32(p + 24), let nameLen = r.u16(p + 28),
        let extraLen = r.u16(p + 30), let commentLen = r.u16(p + 32), let local32 = r.u32(p + 42),
        let nameBytes = r.slice(p + 46, Int(nameLen)),
        let extra = r.slice(p + 46 + Int(nameLen), Int(extraLen))
      else { throw bad("corrupt central directory entry") }
      let name = String(decoding: nameBytes, as: UTF8.self)
      var usize = UInt64(usize32)
      var csize = UInt64(csize32)
      var local = UInt64(local32)
      // ZIP64 extra (tag 1): the 64-bit values for whichever fields are 0xFFFFFFFF, in order.
      let ex = ByteReader(bytes: extra)
      var e = 0
      while let tag = ex.u16(e), let len = ex.u16(e + 2) {
        if tag == 1 {
          var q = e + 4
          if usize32 == 0xFFFF_FFFF, let v = ex.u64(q) {
            usize = v
            q += 8
          }
          if csize32 == 0xFFFF_FFFF, let v = ex.u64(q) {
            csize = v
            q += 8
          }
          if local32 == 0xFFFF_FFFF, let v = ex.u64(q) { local = v }
        }
        e += 4 + Int(len)
      }
      guard method == 0 else {
        throw bad(
          "member '\(name)' is compressed (method \(method)); torch.save writes stored members only"
        )
      }
      guard csize == usize else { throw bad("member '\(name)' has inconsistent sizes") }
      let lo = Int(clamping: local)
      guard r.u32(lo) == 0x0403_4B50, let lName = r.u16(lo + 26), let lExtra = r.u16(lo + 28) else {
        throw bad("member '\(name)' has no local header (truncated or corrupt)")
      }
      let dataOffset = lo + 30 + Int(lName) + Int(lExtra)
      let size = Int(clamping: usize)
      guard r.contains(dataOffset, size) else {
        throw bad("member '\(name)' (\(size) bytes) extends past the end of the file (truncated?)")
      }
      map[name] = list.count
      list.append(ZipEntry(name: name, dataOffset: dataOffset, size: size, crc: crc))
      p += 46 + Int(nameLen) + Int(extraLen) + Int(commentLen)
    }
    entries = list
    byName = map
  }

  /// The member called `name`, if present.
  func entry(_ name: String) -> ZipEntry? { byName[name].map { entries[$0] } }

  /// The bytes of `entry` (a view into the mapped file).
  func bytes(of entry: ZipEntry) -> UnsafeRawBufferPointer {
    // Bounds were checked when the directory was read.
    reader.slice(entry.dataOffset, entry.size) ?? UnsafeRawBufferPointer(start: nil, count: 0)
  }

  /// The bytes of `entry` after checking its CRC-32.
  func verifiedBytes(of entry: ZipEntry) throws -> UnsafeRawBufferPointer {
    let b = bytes(of: entry)
    let crc = CRC32.checksum(b.baseAddress, count: b.count)
    guard crc == entry.crc else {
      throw VistaError(
        "checkpoint '\(path)' is corrupt: member '\(entry.name)' fails its CRC check (the file is damaged)"
      )
    }
    return b
  }
}
