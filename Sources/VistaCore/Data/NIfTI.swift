import CNifti
import Foundation

/// NIfTI-1 reading and writing through libnifti (`.nii` and `.nii.gz`).
///
/// Arrays come back as [C, X, Y, Z] Float32 (NIfTI stores x fastest; reading transposes) with
/// scl_slope/scl_inter applied, and nibabel's `img.affine` (sform, else qform, else pixdim scaling).
public enum NIfTI {
  /// Data types we read, by NIfTI code.
  static let readTypes: [Int32: String] = [
    2: "uint8", 4: "int16", 8: "int32", 16: "float32", 64: "float64", 256: "int8", 512: "uint16",
  ]
  /// Data types we write.
  static let writeTypes: [String: Int32] = ["float32": 16, "int16": 4, "uint8": 2, "int32": 8]

  /// libnifti prints its errors to stderr; we report our own, so silence it once.
  static let quietOnce: Void = { nifti_set_debug_level(0) }()

  /// Reads a `.nii` / `.nii.gz` file as a Volume.
  public static func read(_ url: URL) throws -> Volume {
    let path = url.path
    _ = quietOnce
    try checkHeader(path)
    guard let nim = nifti_image_read(path, 0) else {
      throw VistaError("load_nifti: cannot read the header of \(path)")
    }
    defer { nifti_image_free(nim) }
    let rawBuffer = try readVoxels(nim.pointee, path: path)
    defer { rawBuffer.deallocate() }
    let p = nim.pointee
    guard let dtype = readTypes[p.datatype] else {
      throw VistaError(
        "load_nifti: \(path) has unsupported data type code \(p.datatype) "
          + "(supported: uint8, int8, int16, uint16, int32, float32, float64)")
    }
    let dimAll = withUnsafeBytes(of: p.dim) { Array($0.bindMemory(to: Int32.self)) }.map { Int($0) }
    let ndim = max(1, min(7, dimAll[0]))
    let dims = (1...7).map { i in i <= ndim ? max(1, dimAll[i]) : 1 }
    let extra = Array(dims[3...])
    guard extra.filter({ $0 > 1 }).count <= 1 else {
      throw VistaError(
        "load_nifti: \(path) has \(ndim) dimensions \(formatShape(Array(dims.prefix(ndim)))); "
          + "only 3-D volumes with at most one extra (channel/time) axis are supported")
    }
    let (nx, ny, nz, nc) = (dims[0], dims[1], dims[2], extra.reduce(1, *))
    guard p.nvox == nx * ny * nz * nc else {
      throw VistaError("load_nifti: \(path): header dimensions do not match the voxel count")
    }
    let raw = rawBuffer
    var slope = Double(p.scl_slope)
    var inter = Double(p.scl_inter)
    if slope == 0 || !slope.isFinite {
      slope = 1
      inter = 0
    }
    if !inter.isFinite { inter = 0 }
    let scaled = !(slope == 1 && inter == 0)
    let array = Tensor(shape: [nc, nx, ny, nz]) { dst in
      let out = dst.baseAddress!
      switch p.datatype {
      case 2: convertIn(raw, UInt8.self, out, nx, ny, nz, nc, scaled, slope, inter)
      case 4: convertIn(raw, Int16.self, out, nx, ny, nz, nc, scaled, slope, inter)
      case 8: convertIn(raw, Int32.self, out, nx, ny, nz, nc, scaled, slope, inter)
      case 16: convertIn(raw, Float.self, out, nx, ny, nz, nc, scaled, slope, inter)
      case 64: convertIn(raw, Double.self, out, nx, ny, nz, nc, scaled, slope, inter)
      case 256: convertIn(raw, Int8.self, out, nx, ny, nz, nc, scaled, slope, inter)
      default: convertIn(raw, UInt16.self, out, nx, ny, nz, nc, scaled, slope, inter)
      }
    }
    let pixdim = withUnsafeBytes(of: p.pixdim) { Array($0.bindMemory(to: Float.self)) }.map {
      Double($0)
    }
    let affine = nibabelAffine(p, dims: Array(dimAll[1...ndim]), pixdim: pixdim, ndim: ndim)
    return Volume(unchecked: array, affine: affine, dtype: scaled ? "float32" : dtype, source: path)
  }

  /// Reads the voxel bytes ourselves (libnifti does not report a short gzip read), swapping byte order if needed.
  static func readVoxels(_ p: nifti_image, path: String) throws -> UnsafeMutableRawPointer {
    let bytes = p.nvox * Int(p.nbyper)
    guard readTypes[p.datatype] != nil else {
      throw VistaError(
        "load_nifti: \(path) has unsupported data type code \(p.datatype) "
          + "(supported: uint8, int8, int16, uint16, int32, float32, float64)")
    }
    let dataPath = p.iname.map { String(cString: $0) } ?? path
    guard let f = znzopen(dataPath, "rb", 1) else {
      throw VistaError("load_nifti: cannot open \(dataPath)")
    }
    var ff: znzFile? = f
    defer { Xznzclose(&ff) }
    let buf = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
    let ok = znzseek(f, .init(p.iname_offset), SEEK_SET) >= 0
    var got = 0
    while ok && got < bytes {
      let n = znzread(buf + got, 1, bytes - got, f)
      if n <= 0 { break }
      got += n
    }
    guard got == bytes else {
      buf.deallocate()
      throw VistaError(
        "load_nifti: \(path) is truncated or corrupt: expected \(bytes) bytes of voxel data, read \(got)"
      )
    }
    if p.byteorder != nifti_short_order() && p.swapsize > 1 {
      nifti_swap_Nbytes(p.nvox, p.swapsize, buf)
    }
    return buf
  }

  /// nibabel's `get_best_affine`: sform if sform_code ≠ 0, else qform if qform_code ≠ 0, else base affine.
  static func nibabelAffine(_ p: nifti_image, dims: [Int], pixdim: [Double], ndim: Int) -> Affine {
    if p.sform_code != 0 {
      var m = [Double](repeating: 0, count: 16)
      var s = p.sto_xyz
      for r in 0..<4 {
        for c in 0..<4 { m[r * 4 + c] = Double(cnifti_mat44_get(&s, Int32(r), Int32(c))) }
      }
      m[12] = 0
      m[13] = 0
      m[14] = 0
      m[15] = 1
      return Affine(unchecked: m)
    }
    if p.qform_code != 0 {
      let (b, c, d) = (Double(p.quatern_b), Double(p.quatern_c), Double(p.quatern_d))
      let w2 = 1.0 - (b * b + c * c + d * d)
      let w = abs(w2) < 3 * Double(Float.ulpOfOne) || w2 < 0 ? 0 : w2.squareRoot()
      let rot = quaternionMatrix(w: w, x: b, y: c, z: d)
      let qfac: Double = p.qfac < 0 ? -1 : 1
      let vox = [pixdim[1], pixdim[2], pixdim[3] * qfac]
      var m = [Double](repeating: 0, count: 16)
      for r in 0..<3 { for col in 0..<3 { m[r * 4 + col] = rot[r * 3 + col] * vox[col] } }
      m[3] = Double(p.qoffset_x)
      m[7] = Double(p.qoffset_y)
      m[11] = Double(p.qoffset_z)
      m[15] = 1
      return Affine(unchecked: m)
    }
    // nibabel's shape_zoom_affine with x_flip: centre of the image at the world origin.
    let shape = (0..<3).map { $0 < dims.count ? Double(dims[$0]) : 1 }
    var zooms = (0..<3).map { $0 < ndim ? pixdim[$0 + 1] : 1 }
    zooms[0] = -zooms[0]
    let origin = shape.map { ($0 - 1) / 2 }
    return Affine.diagonal(zooms, origin: (0..<3).map { -origin[$0] * zooms[$0] })
  }

  /// nibabel's `quat2mat` (row-major 3×3).
  static func quaternionMatrix(w: Double, x: Double, y: Double, z: Double) -> [Double] {
    let nq = w * w + x * x + y * y + z * z
    if nq < Double.ulpOfOne { return [1, 0, 0, 0, 1, 0, 0, 0, 1] }
    let s = 2.0 / nq
    let (X, Y, Z) = (x * s, y * s, z * s)
    let (wX, wY, wZ) = (w * X, w * Y, w * Z)
    let (xX, xY, xZ) = (x * X, x * Y, x * Z)
    let (yY, yZ, zZ) = (y * Y, y * Z, z * Z)
    return [
      1.0 - (yY + zZ), xY - wZ, xZ + wY,
      xY + wZ, 1.0 - (xX + zZ), yZ - wX,
      xZ - wY, yZ + wX, 1.0 - (xX + yY),
    ]
  }

  /// Checks the file exists and starts with a NIfTI-1 header, so failures get our messages.
  static func checkHeader(_ path: String) throws {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else {
      throw VistaError("load_nifti: no such file: \(path)")
    }
    guard FileManager.default.isReadableFile(atPath: path) else {
      throw VistaError("load_nifti: cannot read \(path): permission denied")
    }
    guard let f = znzopen(path, "rb", 1) else {
      throw VistaError("load_nifti: cannot open \(path)")
    }
    var head = [UInt8](repeating: 0, count: 348)
    let n = head.withUnsafeMutableBytes { znzread($0.baseAddress, 1, 348, f) }
    var ff: znzFile? = f
    Xznzclose(&ff)
    let le = head.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }
    let be = head.withUnsafeBytes { Int32(bigEndian: $0.loadUnaligned(as: Int32.self)) }
    if n >= 4 && (le == 540 || be == 540) {
      throw VistaError(
        "load_nifti: \(path) is NIfTI-2, which is not supported yet (save it as NIfTI-1)")
    }
    let magic = String(decoding: head[344..<347], as: UTF8.self)
    guard n == 348, le == 348 || be == 348, magic == "n+1" || magic == "ni1" else {
      throw VistaError(
        "load_nifti: \(path) is not a NIfTI-1 file (no valid 348-byte header with magic n+1)")
    }
  }

  /// Writes `volume` as `.nii` or `.nii.gz` (by extension) with the affine in sform and qform (codes 1, as MONAI).
  ///
  /// `dtype` defaults to the volume's dtype when writable, else float32. Integer types round to nearest.
  public static func write(_ volume: Volume, to url: URL, dtype: String? = nil) throws {
    _ = quietOnce
    let path = url.path
    guard path.hasSuffix(".nii") || path.hasSuffix(".nii.gz") else {
      throw VistaError("save_nifti: \(path): the file name must end in .nii or .nii.gz")
    }
    let want = dtype ?? (writeTypes[volume.dtype] != nil ? volume.dtype : "float32")
    guard let code = writeTypes[want] else {
      throw VistaError(
        "save_nifti: cannot write dtype \(want) (use float32, int16, uint8 or int32)")
    }
    let (nc, nx, ny, nz) = (volume.shape[0], volume.shape[1], volume.shape[2], volume.shape[3])
    let dims: [Int32] = [nc > 1 ? 4 : 3, Int32(nx), Int32(ny), Int32(nz), Int32(nc), 1, 1, 1]
    guard let nim = nifti_make_new_nim(dims, code, 1) else {
      throw VistaError("save_nifti: libnifti could not allocate the image for \(path)")
    }
    defer { nifti_image_free(nim) }
    let raw = nim.pointee.data!
    volume.array.withUnsafeBufferPointer { src in
      let s = src.baseAddress!
      switch code {
      case 2: convertOut(s, raw, UInt8.self, nx, ny, nz, nc)
      case 4: convertOut(s, raw, Int16.self, nx, ny, nz, nc)
      case 8: convertOut(s, raw, Int32.self, nx, ny, nz, nc)
      default: convertOut(s, raw, Float.self, nx, ny, nz, nc)
      }
    }
    var m = mat44()
    for r in 0..<4 {
      for c in 0..<4 { cnifti_mat44_set(&m, Int32(r), Int32(c), Float(volume.affine[r, c])) }
    }
    var (qb, qc, qd, qx, qy, qz, dx, dy, dz, qfac):
      (Float, Float, Float, Float, Float, Float, Float, Float, Float, Float) = (
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0
      )
    nifti_mat44_to_quatern(m, &qb, &qc, &qd, &qx, &qy, &qz, &dx, &dy, &dz, &qfac)
    let sp = volume.affine.spacing.map(Float.init)
    nim.pointee.sto_xyz = m
    nim.pointee.sto_ijk = nifti_mat44_inverse(m)
    nim.pointee.sform_code = 1
    nim.pointee.qform_code = 1
    (nim.pointee.quatern_b, nim.pointee.quatern_c, nim.pointee.quatern_d) = (qb, qc, qd)
    (nim.pointee.qoffset_x, nim.pointee.qoffset_y, nim.pointee.qoffset_z) = (qx, qy, qz)
    nim.pointee.qfac = qfac
    nim.pointee.qto_xyz = nifti_quatern_to_mat44(qb, qc, qd, qx, qy, qz, sp[0], sp[1], sp[2], qfac)
    (nim.pointee.dx, nim.pointee.dy, nim.pointee.dz) = (sp[0], sp[1], sp[2])
    nim.pointee.pixdim.0 = qfac
    (nim.pointee.pixdim.1, nim.pointee.pixdim.2, nim.pointee.pixdim.3) = (sp[0], sp[1], sp[2])
    nim.pointee.xyz_units = Int32(NIFTI_UNITS_MM)
    // Write to a temporary sibling, then rename: a reader never sees half a file.
    let dir = url.deletingLastPathComponent()
    let ext = path.hasSuffix(".nii.gz") ? ".nii.gz" : ".nii"
    let tmp = dir.appendingPathComponent(
      ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))\(ext)")
    guard FileManager.default.fileExists(atPath: dir.path) else {
      throw VistaError("save_nifti: folder does not exist: \(dir.path)")
    }
    guard nifti_set_filenames(nim, tmp.path, 0, 1) == 0 else {
      throw VistaError("save_nifti: libnifti rejected the file name \(path)")
    }
    nifti_image_write(nim)
    let size = (try? FileManager.default.attributesOfItem(atPath: tmp.path)[.size] as? Int) ?? nil
    guard let size, size > 0 else {
      try? FileManager.default.removeItem(at: tmp)
      throw VistaError("save_nifti: could not write \(path) (disk full or no permission?)")
    }
    if rename(tmp.path, path) != 0 {
      try? FileManager.default.removeItem(at: tmp)
      throw VistaError("save_nifti: could not move the written file into place at \(path)")
    }
  }
}

/// Copies NIfTI data (x fastest, then y, z, channel) of type T into [C, X, Y, Z] floats, scaled in Float64
/// when needed (as nibabel, then cast to Float32 as MONAI). Parallel over (c, x) rows of the output.
private func convertIn<T: BinaryInteger & Sendable>(
  _ raw: UnsafeMutableRawPointer, _: T.Type, _ out: UnsafeMutablePointer<Float>,
  _ nx: Int, _ ny: Int, _ nz: Int, _ nc: Int, _ scaled: Bool, _ slope: Double, _ inter: Double
) {
  let src = UnsafePointer(raw.assumingMemoryBound(to: T.self))
  let plane = nx &* ny
  parallelFor(nc * nx) { cx in
    let c = cx / nx
    let x = cx % nx
    var o = cx &* ny &* nz
    let base = c &* plane &* nz &+ x
    for y in 0..<ny {
      var i = base &+ y &* nx
      if scaled {
        for _ in 0..<nz {
          out[o] = Float(Double(src[i]) * slope + inter)
          o &+= 1
          i &+= plane
        }
      } else {
        for _ in 0..<nz {
          out[o] = Float(src[i])
          o &+= 1
          i &+= plane
        }
      }
    }
  }
}

private func convertIn<T: BinaryFloatingPoint & Sendable>(
  _ raw: UnsafeMutableRawPointer, _: T.Type, _ out: UnsafeMutablePointer<Float>,
  _ nx: Int, _ ny: Int, _ nz: Int, _ nc: Int, _ scaled: Bool, _ slope: Double, _ inter: Double
) {
  let src = UnsafePointer(raw.assumingMemoryBound(to: T.self))
  let plane = nx &* ny
  parallelFor(nc * nx) { cx in
    let c = cx / nx
    let x = cx % nx
    var o = cx &* ny &* nz
    let base = c &* plane &* nz &+ x
    for y in 0..<ny {
      var i = base &+ y &* nx
      for _ in 0..<nz {
        out[o] = scaled ? Float(Double(src[i]) * slope + inter) : Float(src[i])
        o &+= 1
        i &+= plane
      }
    }
  }
}

/// Copies [C, X, Y, Z] floats into NIfTI order as type T (integers rounded and clamped).
private func convertOut<T: NIfTIStorable>(
  _ src: UnsafePointer<Float>, _ raw: UnsafeMutableRawPointer, _: T.Type,
  _ nx: Int, _ ny: Int, _ nz: Int, _ nc: Int
) {
  let dst = raw.assumingMemoryBound(to: T.self)
  let plane = nx * ny
  for c in 0..<nc {
    for x in 0..<nx {
      for y in 0..<ny {
        var o = (c * nz) * plane + y * nx + x
        var i = ((c * nx + x) * ny + y) * nz
        for _ in 0..<nz {
          dst[o] = T.stored(src[i])
          o += plane
          i += 1
        }
      }
    }
  }
}

/// A NIfTI voxel type we write: converts a Float (integers round to nearest and saturate).
private protocol NIfTIStorable {
  static func stored(_ v: Float) -> Self
}

extension Float: NIfTIStorable {
  static func stored(_ v: Float) -> Float { v }
}

extension UInt8: NIfTIStorable {
  static func stored(_ v: Float) -> UInt8 { v.isFinite ? UInt8(Swift.min(255, Swift.max(0, v.rounded()))) : 0 }
}

extension Int16: NIfTIStorable {
  static func stored(_ v: Float) -> Int16 { v.isFinite ? Int16(Swift.min(32767, Swift.max(-32768, v.rounded()))) : 0 }
}

extension Int32: NIfTIStorable {
  static func stored(_ v: Float) -> Int32 {
    v.isFinite ? Int32(Swift.min(2_147_483_520, Swift.max(-2_147_483_648, v.rounded()))) : 0
  }
}
