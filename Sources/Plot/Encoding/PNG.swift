import CPNG
import Foundation

/// PNG encoding and decoding through libpng's simplified `png_image_*` API.
///
/// Bytes and files are kept apart (as stb_image_write does) so tests can inspect the bytes.
public enum PNG {
  /// Encodes the canvas as PNG bytes: RGB when every pixel is opaque, RGBA otherwise.
  public static func encode(_ canvas: Canvas) throws -> [UInt8] {
    var opaque = true
    canvas.pixels.withUnsafeBufferPointer { p in
      var i = 3
      while i < p.count {
        if p[i] != 255 {
          opaque = false
          break
        }
        i &+= 4
      }
    }
    if !opaque {
      return try encode(
        bytes: canvas.pixels, width: canvas.width, height: canvas.height, channels: 4)
    }
    let n = canvas.width * canvas.height
    let rgb = [UInt8](unsafeUninitializedCapacity: 3 * n) { buf, count in
      canvas.pixels.withUnsafeBufferPointer { p in
        for i in 0..<n {
          buf[3 &* i] = p[4 &* i]
          buf[3 &* i &+ 1] = p[4 &* i &+ 1]
          buf[3 &* i &+ 2] = p[4 &* i &+ 2]
        }
      }
      count = 3 * n
    }
    return try encode(bytes: rgb, width: canvas.width, height: canvas.height, channels: 3)
  }

  /// Encodes 8-bit pixels, channels 1 (grey), 3 (RGB) or 4 (RGBA), rows top first.
  ///
  /// bytes: [height, width, channels] row-major.
  public static func encode(bytes: [UInt8], width: Int, height: Int, channels: Int) throws
    -> [UInt8]
  {
    let formats: [Int: UInt32] = [
      1: UInt32(PNG_FORMAT_GRAY), 3: UInt32(PNG_FORMAT_RGB),
      4: UInt32(PNG_FORMAT_RGB) | UInt32(PNG_FORMAT_FLAG_ALPHA),
    ]
    guard let format = formats[channels] else {
      throw PlotError("PNG encode: channels must be 1, 3 or 4, got \(channels)")
    }
    guard width > 0, height > 0, bytes.count == width * height * channels else {
      throw PlotError(
        "PNG encode: \(width)×\(height)×\(channels) needs \(max(0, width * height * channels)) bytes, "
          + "got \(bytes.count)")
    }
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    image.width = UInt32(width)
    image.height = UInt32(height)
    image.format = format
    // Speed over size: figures are mostly flat colour, and a figure is redrawn every epoch.
    image.flags = UInt32(PNG_IMAGE_FLAG_FAST)
    let stride = Int32(width * channels)
    var size: png_alloc_size_t = 0
    // First call measures, second call writes.
    let measured = bytes.withUnsafeBytes { src in
      png_image_write_to_memory(&image, nil, &size, 0, src.baseAddress, stride, nil)
    }
    guard measured != 0, size > 0 else {
      defer { png_image_free(&image) }
      throw PlotError("PNG encode failed: \(message(of: image))")
    }
    var out = [UInt8](repeating: 0, count: Int(size))
    let ok = out.withUnsafeMutableBytes { dst in
      bytes.withUnsafeBytes { src in
        png_image_write_to_memory(&image, dst.baseAddress, &size, 0, src.baseAddress, stride, nil)
      }
    }
    defer { png_image_free(&image) }
    guard ok != 0 else { throw PlotError("PNG encode failed: \(message(of: image))") }
    out.removeSubrange(Int(size)...)
    return out
  }

  /// Encodes the canvas and writes it to `path` atomically (temporary file, then rename).
  public static func write(_ canvas: Canvas, to path: String) throws {
    try writeFileAtomically(try encode(canvas), to: path)
  }

  /// Decodes PNG bytes into an RGBA canvas.
  public static func decode(_ bytes: [UInt8]) throws -> Canvas {
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    let began = bytes.withUnsafeBytes {
      png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count)
    }
    guard began != 0 else {
      defer { png_image_free(&image) }
      throw PlotError("not a readable PNG: \(message(of: image))")
    }
    return try finishRead(&image, source: "PNG bytes")
  }

  /// Reads the PNG file at `path` into an RGBA canvas.
  public static func read(path: String) throws -> Canvas {
    guard FileManager.default.fileExists(atPath: path) else {
      throw PlotError("cannot read PNG '\(path)': no such file")
    }
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    guard png_image_begin_read_from_file(&image, path) != 0 else {
      defer { png_image_free(&image) }
      throw PlotError("cannot read PNG '\(path)': \(message(of: image))")
    }
    return try finishRead(&image, source: "'\(path)'")
  }

  private static func finishRead(_ image: inout png_image, source: String) throws -> Canvas {
    image.format = UInt32(PNG_FORMAT_RGB) | UInt32(PNG_FORMAT_FLAG_ALPHA)
    let w = Int(image.width)
    let h = Int(image.height)
    var px = [UInt8](repeating: 0, count: 4 * w * h)
    let ok = px.withUnsafeMutableBytes {
      png_image_finish_read(&image, nil, $0.baseAddress, Int32(4 * w), nil)
    }
    defer { png_image_free(&image) }
    guard ok != 0 else { throw PlotError("cannot decode PNG \(source): \(message(of: image))") }
    return try Canvas(width: w, height: h, rgba: px)
  }

  private static func message(of image: png_image) -> String {
    var m = image.message
    return withUnsafeBytes(of: &m) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
  }
}

/// Writes `bytes` to `path` via a temporary file in the same folder, fsync and rename, so readers
/// never see a half-written file. Errors name the path.
func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
  let url = URL(fileURLWithPath: path)
  let dir = url.deletingLastPathComponent().path
  var isDir: ObjCBool = false
  guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
    throw PlotError("cannot write '\(path)': folder '\(dir)' does not exist")
  }
  let tmp = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())"
  let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  guard fd >= 0 else {
    throw PlotError("cannot write '\(path)': \(String(cString: strerror(errno)))")
  }
  var written = 0
  let failure: String? = bytes.withUnsafeBytes { raw in
    while written < raw.count {
      let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
      if n <= 0 { return String(cString: strerror(errno)) }
      written += n
    }
    return fsync(fd) == 0 ? nil : String(cString: strerror(errno))
  }
  close(fd)
  if let failure {
    unlink(tmp)
    throw PlotError("cannot write '\(path)': \(failure)")
  }
  guard rename(tmp, path) == 0 else {
    let e = String(cString: strerror(errno))
    unlink(tmp)
    throw PlotError("cannot write '\(path)': \(e)")
  }
}
