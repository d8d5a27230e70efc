import Foundation

/// MONAI's Spacing: resamples to voxel size `pixdim` (mm), keeping the orientation.
///
/// Exactly MONAI's rules: the new affine is `zoom_affine(affine, pixdim)` (rotation kept via a Cholesky
/// split), the output shape is `round(extent / pixdim + 1)` per axis from the transformed corners of the
/// voxel-centre box, the origin is the input corner that maps lowest (`compute_shape_offset`), and sampling
/// is `grid_sample` with align_corners = false and border padding, computed in Float64. When the grid is
/// unchanged (affine within 1e-3 and same shape) the input is returned as is, as MONAI does.
public struct Spacing: Transform {
  /// Target voxel size in mm per axis (≤ 0 keeps that axis's spacing; fewer values repeat the last).
  public var pixdim: [Double]
  /// bilinear for images, nearest for labels.
  public var mode: InterpolationMode

  /// MONAI's defaults: bilinear, border padding, align_corners = false.
  public init(pixdim: [Double], mode: InterpolationMode = .bilinear) {
    self.pixdim = pixdim
    self.mode = mode
  }

  public func callAsFunction(_ volume: Volume) throws -> Volume {
    guard !pixdim.isEmpty else {
      throw VistaError("spacing: pixdim is empty; give e.g. [1.5, 1.5, 1.5]")
    }
    var outD = Array(pixdim.prefix(3))
    while outD.count < 3 { outD.append(outD.last!) }
    let inAffine = volume.affine
    var newAffine = try zoomAffine(inAffine, scale: outD)
    let inShape = volume.spatialShape
    let (outShape, offset) = try computeShapeOffset(inShape, inAffine, newAffine)
    for r in 0..<3 { newAffine[r, 3] = offset[r] }
    guard outShape.allSatisfy({ $0 > 0 }) else {
      throw VistaError(
        "spacing: output shape \(formatShape(outShape)) is empty for input \(formatShape(inShape))")
    }
    let xform = try inAffine.inverse() * newAffine
    let unchanged =
      outShape == inShape
      && (inAffine.isClose(to: newAffine, atol: 1e-3) || xform.isClose(to: .identity, atol: 1e-3))
    // nearest keeps the label dtype (values are copied); interpolation gives float32 as MONAI.
    let outDtype = mode == .nearest ? volume.dtype : "float32"
    if unchanged { return volume.with(array: volume.array, dtype: outDtype) }
    let out = resample(volume.array, xform: xform, outShape: outShape, mode: mode)
    return volume.with(array: out, affine: newAffine, dtype: outDtype)
  }

  public var description: String {
    "Spacing(pixdim=[\(pixdim.map(fmt).joined(separator: ", "))], mode=\"\(mode.rawValue)\")"
  }
}

/// MONAI's `zoom_affine` (diagonal = false): keeps the rotation, replaces the zooms by `scale`.
func zoomAffine(_ affine: Affine, scale: [Double]) throws -> Affine {
  let norm = affine.spacing
  let s = (0..<3).map { scale[$0] > 0 ? scale[$0] : norm[$0] }
  let rzs = affine.linear
  // zs = cholesky(rzsᵀ rzs)ᵀ (upper triangular); rotation = rzs · zs⁻¹
  let g = matmul3(transpose3(rzs), rzs)
  guard let l = cholesky3(g) else {
    throw VistaError("spacing: the affine's 3×3 block is singular:\n\(affine)")
  }
  let zs = transpose3(l)
  guard let zsInv = invertMatrix(zs, n: 3) else {
    throw VistaError("spacing: singular affine:\n\(affine)")
  }
  let rotation = matmul3(rzs, zsInv)
  var out = Affine.identity
  for r in 0..<3 {
    for c in 0..<3 {
      let sign: Double = zs[c * 3 + c] < 0 ? -1 : (zs[c * 3 + c] > 0 ? 1 : 0)
      out[r, c] = rotation[r * 3 + c] * sign * abs(s[c])
    }
  }
  return out
}

/// Lower-triangular Cholesky factor of a 3×3 SPD matrix (row-major); nil when not positive definite.
func cholesky3(_ a: [Double]) -> [Double]? {
  var l = [Double](repeating: 0, count: 9)
  for i in 0..<3 {
    for j in 0...i {
      var s = a[i * 3 + j]
      for k in 0..<j { s -= l[i * 3 + k] * l[j * 3 + k] }
      if i == j {
        guard s > 0 else { return nil }
        l[i * 3 + i] = s.squareRoot()
      } else {
        l[i * 3 + j] = s / l[j * 3 + j]
      }
    }
  }
  return l
}

/// MONAI's `compute_shape_offset` (scale_extent = false).
func computeShapeOffset(_ shape: [Int], _ inAffine: Affine, _ outAffine: Affine) throws -> (
  [Int], [Double]
) {
  let toOut = try outAffine.inverse() * inAffine
  // corners in meshgrid 'ij' order
  var corners: [[Double]] = []
  for a in [0.0, Double(shape[0] - 1)] {
    for b in [0.0, Double(shape[1] - 1)] {
      for c in [0.0, Double(shape[2] - 1)] { corners.append([a, b, c]) }
    }
  }
  let out = corners.map { toOut.apply($0) }
  var outShape = [Int](repeating: 0, count: 3)
  for d in 0..<3 {
    let vals = out.map { $0[d] }
    let ptp = vals.max()! - vals.min()!
    outShape[d] = Int((ptp + 1).rounded(.toNearestOrEven))
  }
  for i in 0..<corners.count {
    let ok = (0..<3).allSatisfy { d in abs(out.map { $0[d] - out[i][d] }.min()!) <= 1e-8 }
    if ok { return (outShape, inAffine.apply(corners[i])) }
  }
  // no corner is lowest on every axis: centre-align
  let inLin = inAffine.linear
  let outLin = outAffine.linear
  let half = shape.map { Double($0) / 2 }
  let outHalf = outShape.map { Double($0) / 2 }
  let offset = (0..<3).map { r in
    (0..<3).reduce(0.0) { $0 + inLin[r * 3 + $1] * half[$1] } + inAffine[r, 3]
      - (0..<3).reduce(0.0) { $0 + outLin[r * 3 + $1] * outHalf[$1] }
  }
  return (outShape, offset)
}

/// Out-of-volume handling of `resample` (grid_sample's padding_mode).
public enum GridPadding: String, Sendable {
  /// Coordinates clamp to the volume (MONAI Spacing's default).
  case border
  /// Samples outside the volume are 0 (how MONAI's inverse of a crop pads).
  case zeros
}

/// grid_sample with zeros padding at voxel coordinate `u` of one channel `p` [X, Y, Z].
@inline(__always)
func sampleZeros(
  _ p: UnsafePointer<Float>, _ nx: Int, _ ny: Int, _ nz: Int, _ u: (Double, Double, Double),
  _ linear: Bool
) -> Float {
  if !linear {
    let xi = u.0.rounded(.toNearestOrEven)
    let yi = u.1.rounded(.toNearestOrEven)
    let zi = u.2.rounded(.toNearestOrEven)
    guard xi >= 0, yi >= 0, zi >= 0, xi < Double(nx), yi < Double(ny), zi < Double(nz) else {
      return 0
    }
    return p[(Int(xi) * ny + Int(yi)) * nz + Int(zi)]
  }
  let fx = u.0.rounded(.down)
  let fy = u.1.rounded(.down)
  let fz = u.2.rounded(.down)
  let wx = u.0 - fx
  let wy = u.1 - fy
  let wz = u.2 - fz
  guard fx > -2, fy > -2, fz > -2, fx < Double(nx), fy < Double(ny), fz < Double(nz) else {
    return 0
  }
  let x0 = Int(fx)
  let y0 = Int(fy)
  let z0 = Int(fz)
  var v = 0.0
  for (dx, ax) in [(0, 1 - wx), (1, wx)] {
    let xi = x0 + dx
    if xi < 0 || xi >= nx { continue }
    for (dy, ay) in [(0, 1 - wy), (1, wy)] {
      let yi = y0 + dy
      if yi < 0 || yi >= ny { continue }
      for (dz, az) in [(0, 1 - wz), (1, wz)] {
        let zi = z0 + dz
        if zi < 0 || zi >= nz { continue }
        v += ax * ay * az * Double(p[(xi * ny + yi) * nz + zi])
      }
    }
  }
  return Float(v)
}

/// torch's `linspace(-1, 1, n) * (n − 1) / n`: normalised voxel centres (align_corners = false).
func normalizedCentres(_ n: Int) -> [Double] {
  if n == 1 { return [-1.0 * 0 / 1] }
  let step = 2.0 / Double(n - 1)
  let half = n / 2
  return (0..<n).map { i in
    let v = i < half ? -1.0 + step * Double(i) : 1.0 - step * Double(n - i - 1)
    return v * Double(n - 1) / Double(n)
  }
}

/// Source voxel coordinates exactly as MONAI computes them: `to_norm_affine` (src_norm · xform · dst_norm⁻¹),
/// `affine_grid` on normalised centres (sum over W, H, D order, as reverse_indexing makes it), then
/// grid_sample's unnormalise `((g + 1)·n − 1) / 2`. Bit-level agreement matters for nearest-neighbour ties.
struct MonaiGrid {
  var theta: [Double]  // 3×4, rows = our axes (x, y, z), columns = our axes + translation
  var base: [[Double]]  // normalised output centres per axis
  var size: [Double]  // input sizes

  init(xform: Affine, inShape: [Int], outShape: [Int]) {
    func norm(_ shape: [Int]) -> Affine {
      var a = Affine.identity
      for d in 0..<3 {
        let n = Double(shape[d] <= 0 ? 2 : shape[d])
        a[d, d] = 2.0 / n
        a[d, 3] = 1.0 / Double(shape[d]) - 1.0
      }
      return a
    }
    let dstNorm = norm(outShape)
    var dstInv = Affine.identity  // inverse of diag(s) + t: diag(1/s), −t/s
    for d in 0..<3 {
      dstInv[d, d] = 1.0 / dstNorm[d, d]
      dstInv[d, 3] = -dstNorm[d, 3] / dstNorm[d, d]
    }
    let t = norm(inShape) * xform * dstInv
    theta = (0..<3).flatMap { r in (0..<4).map { c in t[r, c] } }
    base = outShape.map { normalizedCentres($0) }
    size = inShape.map { Double($0) }
  }

  /// Unclamped source coordinate along axis `a` for output voxel (i, j, k).
  @inline(__always) func coordinate(_ a: Int, _ i: Int, _ j: Int, _ k: Int) -> Double {
    let g =
      base[2][k] * theta[a * 4 + 2] + base[1][j] * theta[a * 4 + 1] + base[0][i] * theta[a * 4]
      + theta[a * 4 + 3]
    return ((g + 1) * size[a] - 1) / 2
  }
}

/// Resamples x: [C, X, Y, Z] onto a grid of `outShape` where output voxel v samples input voxel `xform · v`.
///
/// grid_sample semantics (align_corners = false, border padding): coordinates clamp to [0, n − 1];
/// bilinear = trilinear weights; nearest rounds half to even. Float64 coordinates and weights, computed along
/// MONAI's path (`MonaiGrid`). Parallel over output x-slices.
public func resample(
  _ x: Tensor, xform: Affine, outShape: [Int], mode: InterpolationMode,
  padding: GridPadding = .border
) -> Tensor {
  let (nc, nx, ny, nz) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  let (ox, oy, oz) = (outShape[0], outShape[1], outShape[2])
  let grid = MonaiGrid(xform: xform, inShape: [nx, ny, nz], outShape: outShape)
  // Per-axis product tables: term[a][t] = base_t · θ[a][t], summed in MONAI's order (z, y, x, translation).
  var tables = [Double](repeating: 0, count: 3 * (ox + oy + oz))
  for a in 0..<3 {
    for i in 0..<ox { tables[a * ox + i] = grid.base[0][i] * grid.theta[a * 4] }
    for j in 0..<oy { tables[3 * ox + a * oy + j] = grid.base[1][j] * grid.theta[a * 4 + 1] }
    for k in 0..<oz { tables[3 * (ox + oy) + a * oz + k] = grid.base[2][k] * grid.theta[a * 4 + 2] }
  }
  let t3 = (grid.theta[3], grid.theta[7], grid.theta[11])
  let (fnx, fny, fnz) = (Double(nx), Double(ny), Double(nz))
  let maxX = Double(nx - 1)
  let maxY = Double(ny - 1)
  let maxZ = Double(nz - 1)
  let sxy = ny * nz
  let inSpatial = nx * sxy
  let outSpatial = ox * oy * oz
  let linear = mode == .bilinear
  let zeros = padding == .zeros
  return Tensor(shape: [nc, ox, oy, oz]) { dst in
    let d = dst.baseAddress!
    x.withUnsafeBufferPointer { srcBuf in
      tables.withUnsafeBufferPointer { tb in
        let s = srcBuf.baseAddress!
        let tX = tb.baseAddress!
        let tY = tX + 3 * ox
        let tZ = tY + 3 * oy
        parallelFor(ox) { i in
          let (px0, px1, px2) = (tX[i], tX[ox &+ i], tX[2 &* ox &+ i])
          for j in 0..<oy {
            let (py0, py1, py2) = (tY[j], tY[oy &+ j], tY[2 &* oy &+ j])
            let o0 = (i &* oy &+ j) &* oz
            for k in 0..<oz {
              let gx = tZ[k] + py0 + px0 + t3.0
              let gy = tZ[oz &+ k] + py1 + px1 + t3.1
              let gz = tZ[2 &* oz &+ k] + py2 + px2 + t3.2
              if zeros {
                let u = (
                  ((gx + 1) * fnx - 1) / 2, ((gy + 1) * fny - 1) / 2, ((gz + 1) * fnz - 1) / 2
                )
                for c in 0..<nc {
                  d[c &* outSpatial &+ o0 &+ k] = sampleZeros(
                    s + c &* inSpatial, nx, ny, nz, u, linear)
                }
                continue
              }
              let cx = min(max(((gx + 1) * fnx - 1) / 2, 0), maxX)
              let cy = min(max(((gy + 1) * fny - 1) / 2, 0), maxY)
              let cz = min(max(((gz + 1) * fnz - 1) / 2, 0), maxZ)
              if linear {
                let x0 = Int(cx)
                let y0 = Int(cy)
                let z0 = Int(cz)  // floor: coordinates are ≥ 0
                let wx = cx - Double(x0)
                let wy = cy - Double(y0)
                let wz = cz - Double(z0)
                let x1 = min(x0 &+ 1, nx &- 1)
                let y1 = min(y0 &+ 1, ny &- 1)
                let z1 = min(z0 &+ 1, nz &- 1)
                let a00 = x0 &* sxy &+ y0 &* nz
                let a01 = x0 &* sxy &+ y1 &* nz
                let a10 = x1 &* sxy &+ y0 &* nz
                let a11 = x1 &* sxy &+ y1 &* nz
                for c in 0..<nc {
                  let p = s + c &* inSpatial
                  let v000 = Double(p[a00 &+ z0])
                  let v001 = Double(p[a00 &+ z1])
                  let v010 = Double(p[a01 &+ z0])
                  let v011 = Double(p[a01 &+ z1])
                  let v100 = Double(p[a10 &+ z0])
                  let v101 = Double(p[a10 &+ z1])
                  let v110 = Double(p[a11 &+ z0])
                  let v111 = Double(p[a11 &+ z1])
                  let v =
                    (1 - wx) * (1 - wy) * (1 - wz) * v000 + (1 - wx) * (1 - wy) * wz * v001
                    + (1 - wx) * wy * (1 - wz) * v010 + (1 - wx) * wy * wz * v011
                    + wx * (1 - wy) * (1 - wz) * v100 + wx * (1 - wy) * wz * v101
                    + wx * wy * (1 - wz) * v110 + wx * wy * wz * v111
                  d[c &* outSpatial &+ o0 &+ k] = Float(v)
                }
              } else {
                let xi = Int(cx.rounded(.toNearestOrEven))
                let yi = Int(cy.rounded(.toNearestOrEven))
                let zi = Int(cz.rounded(.toNearestOrEven))
                let a = xi &* sxy &+ yi &* nz &+ zi
                for c in 0..<nc { d[c &* outSpatial &+ o0 &+ k] = s[c &* inSpatial &+ a] }
              }
            }
          }
        }
      }
    }
  }
}
