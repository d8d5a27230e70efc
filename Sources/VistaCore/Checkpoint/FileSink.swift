import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Streams bytes into a temp file beside the destination; `commit()` fsyncs and renames it into
/// place, so a crash or error never leaves a half-written checkpoint. Without `commit()` the temp
/// file is removed.
final class FileSink {
  let destination: String
  private let tmp: String
  private var fd: Int32
  /// Bytes written so far (the offset of the next write).
  private(set) var offset = 0

  /// Opens a temp file in the destination's folder.
  init(path: String) throws {
    destination = path
    let url = URL(fileURLWithPath: path)
    tmp =
      url.deletingLastPathComponent().appendingPathComponent(
        ".\(url.lastPathComponent).tmp-\(getpid())"
      ).path
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else {
      throw VistaError(
        "cannot write '\(path)' (\(String(cString: strerror(errno)))); check the folder exists and is writable"
      )
    }
  }

  deinit {
    if fd >= 0 {
      close(fd)
      unlink(tmp)
    }
  }

  /// Appends `count` bytes from `p`.
  func write(_ p: UnsafeRawPointer?, count: Int) throws {
    guard count > 0, let p else { return }
    var done = 0
    while done < count {
      let n = systemWrite(fd, p + done, min(count - done, 1 << 30))
      if n < 0 {
        if errno == EINTR { continue }
        throw VistaError("cannot write '\(destination)' (\(String(cString: strerror(errno))))")
      }
      done += n
    }
    offset += count
  }

  /// Appends bytes.
  func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0.baseAddress, count: $0.count) }
  }

  /// Appends `count` filler bytes of value `byte`.
  func pad(_ count: Int, byte: UInt8 = 0) throws {
    if count > 0 { try write([UInt8](repeating: byte, count: count)) }
  }

  /// Leaves a hole of `count` bytes (reads as zeros; sparse on most file systems). For tests of
  /// large offsets.
  func skip(_ count: Int) throws {
    guard lseek(fd, off_t(count), SEEK_CUR) >= 0 else {
      throw VistaError("cannot write '\(destination)' (seek: \(String(cString: strerror(errno))))")
    }
    offset += count
  }

  /// Flushes to disk and renames the temp file to the destination.
  func commit() throws {
    guard fsync(fd) == 0 else {
      throw VistaError("cannot write '\(destination)' (fsync: \(String(cString: strerror(errno))))")
    }
    close(fd)
    fd = -1
    guard rename(tmp, destination) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(tmp)
      throw VistaError("cannot write '\(destination)' (rename: \(reason))")
    }
  }
}

/// The POSIX `write(2)` (named apart from `FileSink.write`).
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
  #if canImport(Glibc)
    Glibc.write(fd, p, n)
  #else
    Darwin.write(fd, p, n)
  #endif
}

/// Appends little-endian integers to a byte array.
extension Array where Element == UInt8 {
  mutating func appendLE<T: FixedWidthInteger>(_ v: T) {
    Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
  }
}
