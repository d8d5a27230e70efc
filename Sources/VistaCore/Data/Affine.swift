import Foundation

/// A 4×4 homogeneous transform in Float64: voxel index (i, j, k, 1) → world mm (RAS+, nibabel's convention).
///
/// `m` is row-major: `m[r * 4 + c]`.
public struct Affine: Sendable, Equatable, CustomStringConvertible {
  /// The 16 entries, row-major.
  public var m: [Double]

  /// Wraps 16 row-major entries.
  public init(_ m: [Double]) throws {
    guard m.count == 16 else { throw VistaError("Affine: need 16 values (4×4), got \(m.count)") }
    self.m = m
  }

  /// Internal unchecked init.
  init(unchecked m: [Double]) { self.m = m }

  /// The identity.
  public static let identity = Affine(unchecked: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])

  /// A diagonal scaling with a translation.
  public static func diagonal(_ s: [Double], origin: [Double] = [0, 0, 0]) -> Affine {
    Affine(unchecked: [
      s[0], 0, 0, origin[0], 0, s[1], 0, origin[1], 0, 0, s[2], origin[2], 0, 0, 0, 1,
    ])
  }

  /// A pure translation by `t` (in the input space).
  public static func translation(_ t: [Double]) -> Affine {
    Affine(unchecked: [1, 0, 0, t[0], 0, 1, 0, t[1], 0, 0, 1, t[2], 0, 0, 0, 1])
  }

  /// Entry at row r, column c.
  public subscript(r: Int, c: Int) -> Double {
    get { m[r * 4 + c] }
    set { m[r * 4 + c] = newValue }
  }

  /// The matrix product `self · other`.
  public static func * (a: Affine, b: Affine) -> Affine {
    var out = [Double](repeating: 0, count: 16)
    for r in 0..<4 {
      for c in 0..<4 {
        var s = 0.0
        for k in 0..<4 { s += a.m[r * 4 + k] * b.m[k * 4 + c] }
        out[r * 4 + c] = s
      }
    }
    return Affine(unchecked: out)
  }

  /// Applies the transform to a point.
  public func apply(_ p: [Double]) -> [Double] {
    (0..<3).map { r in m[r * 4] * p[0] + m[r * 4 + 1] * p[1] + m[r * 4 + 2] * p[2] + m[r * 4 + 3] }
  }

  /// The inverse (Gauss–Jordan with partial pivoting); throws when singular.
  public func inverse() throws -> Affine {
    guard let inv = invertMatrix(m, n: 4) else {
      throw VistaError("Affine: matrix is singular: \(self)")
    }
    return Affine(unchecked: inv)
  }

  /// The 3×3 rotation-zoom block, row-major.
  public var linear: [Double] { [m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]] }

  /// The translation column (world position of voxel (0, 0, 0)).
  public var origin: [Double] { [m[3], m[7], m[11]] }

  /// Voxel spacing in mm: the column norms of the 3×3 block (MONAI's `affine_to_spacing`).
  public var spacing: [Double] {
    (0..<3).map { (c: Int) -> Double in
      let a: Double = m[c] * m[c]
      let b: Double = m[4 + c] * m[4 + c]
      let d: Double = m[8 + c] * m[8 + c]
      return (a + b + d).squareRoot()
    }
  }

  /// Orientation codes such as "RAS" or "LPS" (nibabel's `aff2axcodes`).
  public var axcodes: String {
    let ornt = ioOrientation(self)
    let labels: [(Character, Character)] = [("L", "R"), ("P", "A"), ("I", "S")]
    return String(
      ornt.map { o in o.axis < 0 ? "?" : (o.flip > 0 ? labels[o.axis].1 : labels[o.axis].0) })
  }

  /// Largest absolute entry difference.
  public func maxAbsDiff(_ other: Affine) -> Double {
    zip(m, other.m).map { abs($0 - $1) }.max() ?? 0
  }

  /// numpy's `allclose(self, other, atol:)` (rtol 1e-5 relative to `other`).
  public func isClose(to other: Affine, atol: Double = 1e-8) -> Bool {
    zip(m, other.m).allSatisfy { abs($0 - $1) <= atol + 1e-5 * abs($1) }
  }

  /// Four rows of numbers.
  public var description: String {
    (0..<4).map { r in
      "[" + (0..<4).map { c in String(format: "%.4g", m[r * 4 + c]) }.joined(separator: ", ") + "]"
    }.joined(separator: "\n")
  }
}

/// Inverts an n×n row-major matrix; nil when singular.
func invertMatrix(_ a: [Double], n: Int) -> [Double]? {
  var a = a
  var inv = [Double](repeating: 0, count: n * n)
  for i in 0..<n { inv[i * n + i] = 1 }
  for col in 0..<n {
    var piv = col
    for r in col + 1..<max(col + 1, n) where abs(a[r * n + col]) > abs(a[piv * n + col]) { piv = r }
    if abs(a[piv * n + col]) < 1e-300 { return nil }
    if piv != col {
      for c in 0..<n {
        a.swapAt(piv * n + c, col * n + c)
        inv.swapAt(piv * n + c, col * n + c)
      }
    }
    let d = a[col * n + col]
    for c in 0..<n {
      a[col * n + c] /= d
      inv[col * n + c] /= d
    }
    for r in 0..<n where r != col {
      let f = a[r * n + col]
      if f == 0 { continue }
      for c in 0..<n {
        a[r * n + c] -= f * a[col * n + c]
        inv[r * n + c] -= f * inv[col * n + c]
      }
    }
  }
  return inv
}

/// 3×3 row-major product.
func matmul3(_ a: [Double], _ b: [Double]) -> [Double] {
  var out = [Double](repeating: 0, count: 9)
  for r in 0..<3 {
    for c in 0..<3 {
      out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c]
    }
  }
  return out
}

/// 3×3 transpose.
func transpose3(_ a: [Double]) -> [Double] {
  [a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]]
}

/// One row of a nibabel orientation array: input axis → (output world axis, ±1). axis −1 = dropped.
struct AxisOrientation: Equatable {
  var axis: Int
  var flip: Int
}

/// nibabel's `io_orientation`: the world axis (and direction) closest to each voxel axis.
///
/// Uses the orthogonal polar factor of the column-normalised 3×3 block (nibabel's `P·Qᵀ` from the SVD),
/// computed by Newton's iteration, then the same greedy assignment.
func ioOrientation(_ affine: Affine) -> [AxisOrientation] {
  var rs = affine.linear
  let zooms = affine.spacing.map { $0 == 0 ? 1 : $0 }
  for r in 0..<3 { for c in 0..<3 { rs[r * 3 + c] /= zooms[c] } }
  var r = polarOrthogonal(rs) ?? rs
  var out = [AxisOrientation](repeating: AxisOrientation(axis: -1, flip: 1), count: 3)
  for inAx in 0..<3 {
    let col = (0..<3).map { r[$0 * 3 + inAx] }
    if col.allSatisfy({ abs($0) <= 1e-8 }) { continue }
    var outAx = 0
    for k in 1..<3 where abs(col[k]) > abs(col[outAx]) { outAx = k }
    out[inAx] = AxisOrientation(axis: outAx, flip: col[outAx] < 0 ? -1 : 1)
    for c in 0..<3 { r[outAx * 3 + c] = 0 }
  }
  return out
}

/// The orthogonal factor U of the polar decomposition A = U·P (Newton: X ← (X + X⁻ᵀ)/2); nil if singular.
func polarOrthogonal(_ a: [Double]) -> [Double]? {
  var x = a
  for _ in 0..<100 {
    guard let inv = invertMatrix(x, n: 3) else { return nil }
    let invT = transpose3(inv)
    let next = (0..<9).map { 0.5 * (x[$0] + invT[$0]) }
    let delta = zip(next, x).map { abs($0 - $1) }.max() ?? 0
    x = next
    if delta < 1e-15 { break }
  }
  return x
}

/// nibabel's `axcodes2ornt` for labels L/R, P/A, I/S.
func axcodesToOrientation(_ codes: String) throws -> [AxisOrientation] {
  let pairs: [(Character, Character)] = [("L", "R"), ("P", "A"), ("I", "S")]
  var out: [AxisOrientation] = []
  for ch in codes.uppercased() {
    guard let axis = pairs.firstIndex(where: { $0.0 == ch || $0.1 == ch }) else {
      throw VistaError(
        "orientation: unknown axis code '\(ch)' in \"\(codes)\" (use letters from L/R, P/A, I/S)")
    }
    out.append(AxisOrientation(axis: axis, flip: pairs[axis].1 == ch ? 1 : -1))
  }
  guard out.count == 3, Set(out.map(\.axis)).count == 3 else {
    throw VistaError(
      "orientation: \"\(codes)\" must name each of L/R, P/A, I/S exactly once, e.g. \"RAS\"")
  }
  return out
}
