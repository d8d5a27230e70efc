import Foundation

// Winograd F(2×2×2, 3×3×3) forward for stride-1, 3×3×3, padding-1 convs (Lavin & Gray 2016).
//
// The output is cut into 2×2×2 tiles; tile (td, th, tw) reads the 4×4×4 input patch starting at
// (2td − 1, 2th − 1, 2tw − 1) (zero outside the volume). With the 1-D transforms
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   (input, 4 → 4)
//   G  = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]              (weight, 3 → 4)
//   Aᵀ = [1 1 1 0; 0 1 −1 −1]                       (output, 4 → 2)
// applied along each axis, a tile's output is Aᵀ[ Σ_ci (G w Gᵀ) ⊙ (Bᵀ d B) ]A. Summing over input
// channels point by point is, for each of the 64 transform points ξ, one matrix product
//   M[ξ] (Cout × tiles) = U[ξ] (Cout × Cin) · V[ξ] (Cin × tiles)
// so 27 multiply-adds per output and input channel become 8, plus the cheap transforms.
// Rounding stays close to the direct sum (the transforms only add, subtract and halve); the
// parity tests hold it to the same 1e-5 as the direct path.
//
// Each worker owns a contiguous range of tile rows (td, th) and runs blocks of them: transform the
// block's input into V, 64 single-threaded GEMMs into M, transform M into the output. V and M of
// one block stay within a cache-sized budget.

/// Whether stride-1 3×3×3 convs may use Winograd (`VISTA_CONV_WINOGRAD=off`: never, for
/// benchmarks and A/B checks).
let convWinogradEnabled: Bool = ProcessInfo.processInfo.environment["VISTA_CONV_WINOGRAD"] != "off"

/// Bytes of one worker's V + M block (`VISTA_WINOGRAD_KB` overrides, a tuning knob).
let convWinogradBudgetBytes: Int = {
  if let v = ProcessInfo.processInfo.environment["VISTA_WINOGRAD_KB"], let kb = Int(v), kb > 0 {
    return kb << 10
  }
  return 4096 << 10
}()

extension Conv3dGeometry {
  /// True when the Winograd forward applies and pays: a stride-1, 3×3×3, padding-1 conv with at
  /// least 32 channels in and out and 16³ output voxels. Measured (`vista-bench conv block`): 1.7–2×
  /// the direct conv at 48@64³, 96@32³ and 192@16³; at 384@8³ the 64 GEMMs are too narrow (64
  /// tiles) and it loses.
  var usesWinograd: Bool {
    convWinogradEnabled && kernel == 3 && stride == 1 && padding == 1 && inChannels >= 32
      && outChannels >= 32 && outVoxels >= 16 * 16 * 16
  }

  /// The conv whose forward is this (stride-1, same-padded) conv's input gradient: channels
  /// swapped, same size.
  var winogradAdjoint: Conv3dGeometry {
    Conv3dGeometry(
      batch: batch, inChannels: outChannels, outChannels: inChannels, inSize: (outD, outH, outW),
      kernel: kernel, stride: stride, padding: padding)
  }

  /// Winograd tiles along depth, height and width.
  var winogradTiles: (d: Int, h: Int, w: Int) { ((outD + 1) / 2, (outH + 1) / 2, (outW + 1) / 2) }
}

/// The 64 transformed weight matrices `U[ξ] = (G w Gᵀ)[ξ]`, laid out `[64, Cout, Cin]`.
///
/// `adjoint`: w is stored `[Cin, Cout, 3, 3, 3]` (the weight of the conv whose input gradient
/// this is) and is used transposed and flipped: `w'[co, ci, k] = w[ci, co, 2 − k]` per axis.
func winogradWeights(_ w: UnsafePointer<Float>, cout: Int, cin: Int, adjoint: Bool = false) -> [Float] {
  let pairs = cout * cin
  return [Float](unsafeUninitializedCapacity: 64 * pairs) { u, count in
    let up = UncheckedSendable(u.baseAddress!)
    parallelFor(parallelWorkers) { t in
      let u = up.value
      var a = [Float](repeating: 0, count: 48)  // after the w axis: [kd][kh][4]
      var b = [Float](repeating: 0, count: 64)  // after the h axis: [kd][4][4]
      a.withUnsafeMutableBufferPointer { a in
        b.withUnsafeMutableBufferPointer { b in
          for pair in convPart(pairs, parallelWorkers, t) {
            // Flipping every axis reverses the 27 taps.
            let g = adjoint ? w + ((pair % cin) * cout + pair / cin) * 27 : w + pair * 27
            @inline(__always) func tap(_ i: Int) -> Float { adjoint ? g[26 - i] : g[i] }
            for r in 0..<9 {
              let (g0, g1, g2) = (tap(3 * r), tap(3 * r + 1), tap(3 * r + 2))
              a[4 * r] = g0
              a[4 * r + 1] = 0.5 * (g0 + g1 + g2)
              a[4 * r + 2] = 0.5 * (g0 - g1 + g2)
              a[4 * r + 3] = g2
            }
            for kd in 0..<3 {
              for c in 0..<4 {
                let (g0, g1, g2) = (a[kd * 12 + c], a[kd * 12 + 4 + c], a[kd * 12 + 8 + c])
                b[kd * 16 + c] = g0
                b[kd * 16 + 4 + c] = 0.5 * (g0 + g1 + g2)
                b[kd * 16 + 8 + c] = 0.5 * (g0 - g1 + g2)
                b[kd * 16 + 12 + c] = g2
              }
            }
            for bc in 0..<16 {
              let (g0, g1, g2) = (b[bc], b[16 + bc], b[32 + bc])
              u[bc * pairs + pair] = g0
              u[(16 + bc) * pairs + pair] = 0.5 * (g0 + g1 + g2)
              u[(32 + bc) * pairs + pair] = 0.5 * (g0 - g1 + g2)
              u[(48 + bc) * pairs + pair] = g2
            }
          }
        }
      }
    }
    count = 64 * pairs
  }
}

/// How one Winograd conv call spreads over the cores and how large its blocks are.
struct WinogradPlan {
  /// Workers (cores) used; each owns a contiguous range of tile rows (td, th).
  var workers: Int
  /// Tile rows per block, and tiles per block (the GEMMs' N).
  var blockRows: Int
  var blockTiles: Int
  /// Floats of one padded scratch row, and of the input-transform scratch (32 rows + a zero row).
  var rowFloats: Int
  var inScratch: Int
  /// Floats of one worker's workspace: V [64, Cin, blockTiles], M [64, Cout, blockTiles], scratch.
  var workerFloats: Int

  init(_ g: Conv3dGeometry, tileRows: Int? = nil) {
    let tiles = g.winogradTiles
    let tileRowCount = tiles.d * tiles.h
    workers = max(1, min(parallelWorkers, tileRowCount))
    let perWorker = (tileRowCount + workers - 1) / workers
    // As many tile rows as fit the budget, but at least 128 tiles: narrower GEMMs lose more than
    // the cache saves (192 channels at 16³).
    let perRow = 64 * (g.inChannels + g.outChannels) * tiles.w * MemoryLayout<Float>.size
    let byBudget = convWinogradBudgetBytes / perRow
    blockRows =
      tileRows.map { max(1, min($0, perWorker)) }
      ?? max(1, min(perWorker, max(byBudget, (128 + tiles.w - 1) / tiles.w)))
    blockTiles = blockRows * tiles.w
    rowFloats = winogradRowFloats(tiles.w)
    inScratch = 32 * rowFloats + g.inW
    let scratch = inScratch + 48 * ((tiles.w + 7) & ~7) + 16
    workerFloats = (64 * (g.inChannels + g.outChannels) * blockTiles + scratch + 15) & ~15
  }
}

extension WinogradPlan {
  /// Calls `body(n, rows)` for every sample n and every block of worker `t`'s tile rows.
  @inline(__always)
  func forEachBlock(_ g: Conv3dGeometry, worker t: Int, _ body: (Int, Range<Int>) -> Void) {
    let tiles = g.winogradTiles
    let mine = convPart(tiles.d * tiles.h, workers, t)
    for n in 0..<g.batch {
      var q0 = mine.lowerBound
      while q0 < mine.upperBound {
        let q1 = min(mine.upperBound, q0 + blockRows)
        body(n, q0..<q1)
        q0 = q1
      }
    }
  }
}

/// Transforms the input patches of tile rows `rows` of every channel of one sample `xs` into
/// V `[64, Cin, blockTiles]`.
@inline(__always)
func winogradInputBlock(
  _ xs: UnsafePointer<Float>, _ g: Conv3dGeometry, rows: Range<Int>, blockTiles: Int,
  scratch: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
) {
  let tiles = g.winogradTiles
  for ci in 0..<g.inChannels {
    for q in rows {
      winogradInputRow(
        xs + ci * g.inVoxels, g, td: q / tiles.h, th: q % tiles.h, scratch: scratch,
        v: v + ci * blockTiles + (q - rows.lowerBound) * tiles.w, ld: g.inChannels * blockTiles)
    }
  }
}

/// Winograd forward conv (no bias): y `[N, Cout, D, H, W]` from x `[N, Cin, D, H, W]` and
/// w `[Cout, Cin, 3, 3, 3]`; requires `g.usesWinograd`'s shape conditions (stride 1, k 3, pad 1).
/// `adjoint`: w is `[Cin, Cout, 3, 3, 3]` and is used transposed and flipped, which makes this the
/// input gradient of that conv (x = its dy, y = its dx). `tileRows` forces the tile rows per
/// block (tests).
func conv3dWinograd(
  x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
  _ g: Conv3dGeometry, adjoint: Bool = false, tileRows: Int? = nil
) {
  let (cin, cout) = (g.inChannels, g.outChannels)
  let tiles = g.winogradTiles
  let plan = WinogradPlan(g, tileRows: tileRows)
  let (workers, blockTiles) = (plan.workers, plan.blockTiles)
  let (rowFloats, inScratch, workerFloats) = (plan.rowFloats, plan.inScratch, plan.workerFloats)
  let u = winogradWeights(w, cout: cout, cin: cin, adjoint: adjoint)
  u.withUnsafeBufferPointer { up in
    let u = up.baseAddress!
    ConvWorkspace.shared.withBuffer(workerFloats * workers) { ws in
      parallelFor(workers) { t in
        let base = ws + t * workerFloats
        let v = base
        let m = v + 64 * cin * blockTiles
        let rowBuf = m + 64 * cout * blockTiles
        let outBuf = rowBuf + inScratch
        (rowBuf + 32 * rowFloats).update(repeating: 0, count: g.inW)
        plan.forEachBlock(g, worker: t) { n, rows in
          let nt = rows.count * tiles.w
          winogradInputBlock(x + n * cin * g.inVoxels, g, rows: rows, blockTiles: blockTiles, scratch: rowBuf, v: v)
          for xi in 0..<64 {
            BLAS.sgemm(
              serial: workers > 1, m: cout, n: nt, k: cin, a: u + xi * cout * cin, lda: cin,
              b: v + xi * cin * blockTiles, ldb: blockTiles, c: m + xi * cout * blockTiles,
              ldc: blockTiles)
          }
          let ys = y + n * cout * g.outVoxels
          for co in 0..<cout {
            for q in rows {
              winogradOutputRow(
                m + co * blockTiles + (q - rows.lowerBound) * tiles.w, ld: cout * blockTiles, g,
                td: q / tiles.h, th: q % tiles.h, scratch: outBuf, y: ys + co * g.outVoxels)
            }
          }
        }
      }
    }
  }
}

@inline(__always) private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}
@inline(__always) private func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}
@inline(__always) private func store8(_ p: UnsafeMutablePointer<Float>, _ v: SIMD8<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}
@inline(__always) private func store16(_ p: UnsafeMutablePointer<Float>, _ v: SIMD16<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}

/// Bᵀ along one axis, element by element over `count` floats: from the four rows x0…x3 at
/// consecutive positions to x0 − x2, x1 + x2, x2 − x1, x1 − x3.
@inline(__always)
func winogradBT(
  _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, _ x2: UnsafePointer<Float>, _ x3: UnsafePointer<Float>,
  into y0: UnsafeMutablePointer<Float>, _ y1: UnsafeMutablePointer<Float>, _ y2: UnsafeMutablePointer<Float>,
  _ y3: UnsafeMutablePointer<Float>, count: Int
) {
  var k = 0
  while k + 8 <= count {
    let (a, b, c, d) = (load8(x0 + k), load8(x1 + k), load8(x2 + k), load8(x3 + k))
    store8(y0 + k, a - c)
    store8(y1 + k, b + c)
    store8(y2 + k, c - b)
    store8(y3 + k, b - d)
    k += 8
  }
  while k < count {
    y0[k] = x0[k] - x2[k]
    y1[k] = x1[k] + x2[k]
    y2[k] = x2[k] - x1[k]
    y3[k] = x1[k] - x3[k]
    k += 1
  }
}

/// Floats of one padded scratch row for tiles `tw` wide: `2·tw + 2` rounded up to 8.
@inline(__always)
func winogradRowFloats(_ tw: Int) -> Int { (2 * tw + 2 + 7) & ~7 }

/// Transforms the 4×4×4 input patches of one tile row (td, th) of one channel: writes
/// `v[ξ·ld + tw]` for every tile tw. `scratch` holds 32 padded rows (`winogradRowFloats`) and a
/// zero row of `inW` floats after them.
@inline(__always)
func winogradInputRow(
  _ x: UnsafePointer<Float>, _ g: Conv3dGeometry, td: Int, th: Int,
  scratch: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, ld: Int
) {
  let tw = (g.outW + 1) / 2
  let p = winogradRowFloats(tw)
  let (inD, inH, inW) = (g.inD, g.inH, g.inW)
  // Padded rows hold input index w at w + 1 (zeros at 0 and from inW + 1), so tile t reads
  // row[2t ..< 2t + 4]. s[j·4 + a]: the d-transform of input rows h = 2th − 1 + j;
  // r[a·4 + b]: then the h-transform.
  let s = scratch
  let r = scratch + 16 * p
  let zero = UnsafePointer(scratch + 32 * p)
  for j in 0..<4 {
    let h = 2 * th - 1 + j
    let inside = h >= 0 && h < inH
    @inline(__always) func row(_ i: Int) -> UnsafePointer<Float> {
      let d = 2 * td - 1 + i
      return inside && d >= 0 && d < inD ? x + (d * inH + h) * inW : zero
    }
    let (x0, x1, x2, x3) = (row(0), row(1), row(2), row(3))
    let (s0, s1, s2, s3) = (s + j * 4 * p + 1, s + (j * 4 + 1) * p + 1, s + (j * 4 + 2) * p + 1, s + (j * 4 + 3) * p + 1)
    winogradBT(x0, x1, x2, x3, into: s0, s1, s2, s3, count: inW)
    s0[-1] = 0
    s1[-1] = 0
    s2[-1] = 0
    s3[-1] = 0
    (s0 + inW).update(repeating: 0, count: p - 1 - inW)
    (s1 + inW).update(repeating: 0, count: p - 1 - inW)
    (s2 + inW).update(repeating: 0, count: p - 1 - inW)
    (s3 + inW).update(repeating: 0, count: p - 1 - inW)
  }
  // h-transform: r[a·4 + b] from s[j·4 + a] over j.
  for a in 0..<4 {
    let (e0, e1, e2, e3) = (s + a * p, s + (4 + a) * p, s + (8 + a) * p, s + (12 + a) * p)
    let (r0, r1, r2, r3) = (r + (a * 4) * p, r + (a * 4 + 1) * p, r + (a * 4 + 2) * p, r + (a * 4 + 3) * p)
    winogradBT(e0, e1, e2, e3, into: r0, r1, r2, r3, count: p)
  }
  // w-transform per tile: ξ = (a·4 + b)·4 + c. Eight tiles at a time read 2·8 + 2 floats.
  let tVec = tw & ~7
  for ab in 0..<16 {
    let e = UnsafePointer(r + ab * p)
    let (v0, v1, v2, v3) = (v + (ab * 4) * ld, v + (ab * 4 + 1) * ld, v + (ab * 4 + 2) * ld, v + (ab * 4 + 3) * ld)
    var t = 0
    while t < tVec {
      let lo = load16(e + 2 * t)
      let hi = load16(e + 2 * t + 2)
      let (e0, e1, e2, e3) = (lo.evenHalf, lo.oddHalf, hi.evenHalf, hi.oddHalf)
      store8(v0 + t, e0 - e2)
      store8(v1 + t, e1 + e2)
      store8(v2 + t, e2 - e1)
      store8(v3 + t, e1 - e3)
      t += 8
    }
    while t < tw {
      let q = e + 2 * t
      v0[t] = q[0] - q[2]
      v1[t] = q[1] + q[2]
      v2[t] = q[2] - q[1]
      v3[t] = q[1] - q[3]
      t += 1
    }
  }
}

/// Transforms one tile row's products `m[ξ·ld + tw]` of one output channel into its 2×2 output
/// rows of y (one channel, `[D, H, W]`), dropping the parts of edge tiles outside the volume.
/// `scratch` holds 48 rows of `tw` rounded up to 8.
@inline(__always)
func winogradOutputRow(
  _ m: UnsafePointer<Float>, ld: Int, _ g: Conv3dGeometry, td: Int, th: Int,
  scratch: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
) {
  let tw = (g.outW + 1) / 2
  let q = (tw + 7) & ~7
  let tVec = tw & ~7
  // scratch: the w-transform t[(a·4 + b)·2 + k] (32 rows of q), then the h-transform
  // u[(a·2 + j)·2 + k] (16 rows); the d-transform goes straight to y.
  let t = scratch
  for ab in 0..<16 {
    let (m0, m1, m2, m3) = (m + (ab * 4) * ld, m + (ab * 4 + 1) * ld, m + (ab * 4 + 2) * ld, m + (ab * 4 + 3) * ld)
    let (t0, t1) = (t + (ab * 2) * q, t + (ab * 2 + 1) * q)
    var c = 0
    while c < tVec {
      let (a0, a1, a2, a3) = (load8(m0 + c), load8(m1 + c), load8(m2 + c), load8(m3 + c))
      store8(t0 + c, a0 + a1 + a2)
      store8(t1 + c, a1 - a2 - a3)
      c += 8
    }
    while c < tw {
      t0[c] = m0[c] + m1[c] + m2[c]
      t1[c] = m1[c] - m2[c] - m3[c]
      c += 1
    }
  }
  let u = t + 32 * q
  for a in 0..<4 {
    for k in 0..<2 {
      let (e0, e1, e2, e3) = (t + ((a * 4) * 2 + k) * q, t + ((a * 4 + 1) * 2 + k) * q, t + ((a * 4 + 2) * 2 + k) * q, t + ((a * 4 + 3) * 2 + k) * q)
      let (u0, u1) = (u + ((a * 2) * 2 + k) * q, u + ((a * 2 + 1) * 2 + k) * q)
      var c = 0
      while c < q {
        let (a0, a1, a2, a3) = (load8(e0 + c), load8(e1 + c), load8(e2 + c), load8(e3 + c))
        store8(u0 + c, a0 + a1 + a2)
        store8(u1 + c, a1 - a2 - a3)
        c += 8
      }
    }
  }
  let (outD, outH, outW) = (g.outD, g.outH, g.outW)
  let pairs = outW / 2  // tiles with both outputs inside the row
  let pVec = pairs & ~7
  for j in 0..<2 {
    let h = 2 * th + j
    if h >= outH { continue }
    // u rows (a, j, k) sit at (a·2 + j)·2 + k = a·4 + j·2 + k.
    let (a0, a1, a2, a3) = (u + (j * 2) * q, u + (4 + j * 2) * q, u + (8 + j * 2) * q, u + (12 + j * 2) * q)
    let (b0, b1, b2, b3) = (a0 + q, a1 + q, a2 + q, a3 + q)  // k = 1
    for i in 0..<2 {
      let d = 2 * td + i
      if d >= outD { continue }
      let dst = y + (d * outH + h) * outW
      // i = 0 sums a-rows 0, 1, 2; i = 1 takes 1 − 2 − 3.
      @inline(__always) func at(_ e0: UnsafeMutablePointer<Float>, _ e1: UnsafeMutablePointer<Float>, _ e2: UnsafeMutablePointer<Float>, _ e3: UnsafeMutablePointer<Float>, _ c: Int) -> Float {
        i == 0 ? e0[c] + e1[c] + e2[c] : e1[c] - e2[c] - e3[c]
      }
      var c = 0
      while c < pVec {
        var o = SIMD16<Float>()
        if i == 0 {
          o.evenHalf = load8(a0 + c) + load8(a1 + c) + load8(a2 + c)
          o.oddHalf = load8(b0 + c) + load8(b1 + c) + load8(b2 + c)
        } else {
          o.evenHalf = load8(a1 + c) - load8(a2 + c) - load8(a3 + c)
          o.oddHalf = load8(b1 + c) - load8(b2 + c) - load8(b3 + c)
        }
        store16(dst + 2 * c, o)
        c += 8
      }
      while c < pairs {
        dst[2 * c] = at(a0, a1, a2, a3, c)
        dst[2 * c + 1] = at(b0, b1, b2, b3, c)
        c += 1
      }
      if pairs < tw { dst[2 * pairs] = at(a0, a1, a2, a3, pairs) }
    }
  }
}
