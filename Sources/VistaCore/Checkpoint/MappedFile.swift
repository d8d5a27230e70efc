import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A read-only memory map of a whole file, unmapped when the last reference goes away.
///
/// Checkpoint readers copy tensors straight out of the map (one copy, no intermediate `Data`).
final class MappedFile: @unchecked Sendable {
  /// The path, for error messages.
  let path: String
  /// The mapped bytes (empty for an empty file).
  let bytes: UnsafeRawBufferPointer
  private let mapping: UnsafeMutableRawPointer?

  /// Maps `path`; throws a VistaError naming the file when it cannot be opened or mapped.
  init(path: String) throws {
    self.path = path
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      let reason = String(cString: strerror(errno))
      throw VistaError("cannot open checkpoint '\(path)' (\(reason))")
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      throw VistaError("cannot read checkpoint '\(path)' (\(String(cString: strerror(errno))))")
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
      throw VistaError("checkpoint '\(path)' is not a regular file")
    }
    let size = Int(st.st_size)
    if size == 0 {
      mapping = nil
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
    guard let p, p != MAP_FAILED else {
      throw VistaError("cannot map checkpoint '\(path)' (\(String(cString: strerror(errno))))")
    }
    madvise(p, size, MADV_WILLNEED)
    mapping = p
    bytes = UnsafeRawBufferPointer(start: p, count: size)
  }

  deinit {
    if let mapping { munmap(mapping, bytes.count) }
  }

  /// File size in bytes.
  var count: Int { bytes.count }
}

/// Little-endian reads with bounds checks, over a raw buffer.
struct ByteReader {
  let bytes: UnsafeRawBufferPointer

  /// True when `[offset, offset + length)` lies inside the buffer (overflow-safe).
  func contains(_ offset: Int, _ length: Int) -> Bool {
    offset >= 0 && length >= 0 && offset <= bytes.count && length <= bytes.count - offset
  }

  func u16(_ o: Int) -> UInt16? {
    contains(o, 2)
      ? UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt16.self)) : nil
  }

  func u32(_ o: Int) -> UInt32? {
    contains(o, 4)
      ? UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self)) : nil
  }

  func u64(_ o: Int) -> UInt64? {
    contains(o, 8)
      ? UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self)) : nil
  }

  /// `length` bytes at `o` as a slice of the buffer, or nil when out of bounds.
  func slice(_ o: Int, _ length: Int) -> UnsafeRawBufferPointer? {
    guard contains(o, length) else { return nil }
    return UnsafeRawBufferPointer(rebasing: bytes[o..<(o + length)])
  }
}

/// Asks the kernel to back the 2 MB-aligned interior of a large, not yet touched buffer with
/// transparent huge pages (Linux `madvise` mode), so filling it takes ~500× fewer page faults.
func adviseHugePages(_ p: UnsafeMutableRawPointer, byteCount: Int) {
  #if os(Linux)
    let huge = 1 << 21
    let start = (Int(bitPattern: p) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: p) + byteCount) & ~(huge - 1)
    if end > start, let a = UnsafeMutableRawPointer(bitPattern: start) {
      madvise(a, end - start, MADV_HUGEPAGE)
    }
  #endif
}
