import Foundation

// Weight gradient of a stride-1, 3×3×3, padding-1 conv through Winograd F(2,3): the adjoint of
// ConvWinograd.swift's forward. With y = Aᵀ[(G w Gᵀ) ⊙ (Bᵀ x B)]A per tile and axis,
//   dL/dw = Gᵀ [ Σ_tiles (A dy Aᵀ) ⊙ (Bᵀ x B) ] G,
// so for each of the 64 transform points ξ one product over all tiles
//   dU[ξ] (Cout × Cin) = Σ_t D[ξ][:, t] · V[ξ][:, t]ᵀ,   D = A dy Aᵀ,  V = Bᵀ x B (as in the forward)
// and a final 4 → 3 transform per axis with Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1]. Each worker owns
// a range of tile rows and sums its own dU; the partial sums are added in a fixed order, so the
// result does not depend on timing.

/// `dw = ∂L/∂w` (or `dw +=` when `accumulate`) of the conv `g` (stride 1, k 3, padding 1) from its
/// input x `[N, Cin, D, H, W]` and output gradient dy `[N, Cout, D, H, W]`. `tileRows` forces the
/// tile rows per block (tests).
func conv3dWinogradWeightGrad(
  x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry,
  accumulate: Bool = false, tileRows: Int? = nil
) {
  let (cin, cout) = (g.inChannels, g.outChannels)
  let tiles = g.winogradTiles
  let plan = WinogradPlan(g, tileRows: tileRows)
  let (workers, blockTiles) = (plan.workers, plan.blockTiles)
  let pairs = cout * cin
  // Per worker: its dU partial sum [64, Cout, Cin] after the forward plan's V, D and scratch
  // (D takes M's place), plus a zero row of outW for the dy transform.
  let gradScratch = WinogradPlan.gradScratchFloats(g)
  let workerFloats = plan.gradWorkerFloats(g)
  ConvWorkspace.shared.withBuffer(workerFloats * workers) { ws in
    parallelFor(workers) { t in
      let base = ws + t * workerFloats
      let v = base
      let dt = v + 64 * cin * blockTiles
      let rowBuf = dt + 64 * cout * blockTiles
      let gradBuf = base + plan.workerFloats
      let partial = gradBuf + gradScratch
      (rowBuf + 32 * plan.rowFloats).update(repeating: 0, count: g.inW)
      (gradBuf + 16 * winogradGradRowFloats(tiles.w)).update(repeating: 0, count: g.outW)
      partial.update(repeating: 0, count: 64 * pairs)
      plan.forEachBlock(g, worker: t) { n, rows in
        let nt = rows.count * tiles.w
        winogradInputBlock(x + n * cin * g.inVoxels, g, rows: rows, blockTiles: blockTiles, scratch: rowBuf, v: v)
        let dys = dy + n * cout * g.outVoxels
        for co in 0..<cout {
          for q in rows {
            winogradGradRow(
              dys + co * g.outVoxels, g, td: q / tiles.h, th: q % tiles.h, scratch: gradBuf,
              d: dt + co * blockTiles + (q - rows.lowerBound) * tiles.w, ld: cout * blockTiles)
          }
        }
        for xi in 0..<64 {
          BLAS.sgemm(
            serial: workers > 1, transB: true, m: cout, n: cin, k: nt, a: dt + xi * cout * blockTiles,
            lda: blockTiles, b: v + xi * cin * blockTiles, ldb: blockTiles, beta: 1,
            c: partial + xi * pairs, ldc: cin)
        }
      }
    }
    // Sum the partials in worker order and transform back to 3×3×3 taps.
    let partials = UncheckedSendable((0..<workers).map { ws + $0 * workerFloats + plan.workerFloats + gradScratch })
    let out = UncheckedSendable(dw)
    parallelFor(parallelWorkers) { t in
      withUnsafeTemporaryAllocation(of: Float.self, capacity: 64 + 84) { buf in
        let m = buf.baseAddress!
        for pair in convPart(pairs, parallelWorkers, t) {
          for xi in 0..<64 {
            var s: Float = 0
            for p in partials.value { s += p[xi * pairs + pair] }
            m[xi] = s
          }
          winogradWeightGradTaps(m, into: out.value + pair * 27, accumulate: accumulate, scratch: m + 64)
        }
      }
    }
  }
}

extension WinogradPlan {
  /// Floats of the weight gradient's dy-transform scratch: 16 rows and a zero row of outW.
  static func gradScratchFloats(_ g: Conv3dGeometry) -> Int {
    16 * winogradGradRowFloats(g.winogradTiles.w) + g.outW + 16
  }

  /// Floats of one worker's weight-gradient workspace: the forward's (V, D in M's place, row
  /// scratch), the dy scratch, and its 64·Cout·Cin partial sum.
  func gradWorkerFloats(_ g: Conv3dGeometry) -> Int {
    (workerFloats + Self.gradScratchFloats(g) + 64 * g.outChannels * g.inChannels + 15) & ~15
  }
}

/// Floats of one dy scratch row: `2·tilesW` rounded up to 8 (a 2-wide tile per 2 outputs).
@inline(__always)
func winogradGradRowFloats(_ tw: Int) -> Int { (2 * tw + 7) & ~7 }

/// Transforms the 2×2×2 output-gradient tiles of one tile row (td, th) of one channel with A
/// (2 → 4 per axis: y0, y0 + y1, y0 − y1, −y1): writes `d[ξ·ld + tw]`. Outputs beyond the volume
/// count as zero. `scratch` holds 16 rows of `winogradGradRowFloats` and then a zero row of outW.
@inline(__always)
func winogradGradRow(
  _ dy: UnsafePointer<Float>, _ g: Conv3dGeometry, td: Int, th: Int,
  scratch: UnsafeMutablePointer<Float>, d: UnsafeMutablePointer<Float>, ld: Int
) {
  let tw = (g.outW + 1) / 2
  let p = winogradGradRowFloats(tw)
  let (outD, outH, outW) = (g.outD, g.outH, g.outW)
  let zero = UnsafePointer(scratch + 16 * p)
  // r[a·4 + b]: rows after the d- and h-transforms, zero beyond outW.
  let r = scratch
  @inline(__always) func row(_ i: Int, _ j: Int) -> UnsafePointer<Float> {
    let (dd, hh) = (2 * td + i, 2 * th + j)
    return dd < outD && hh < outH ? dy + (dd * outH + hh) * outW : zero
  }
  let (y00, y10, y01, y11) = (row(0, 0), row(1, 0), row(0, 1), row(1, 1))  // y[i][j]: d index i, h index j
  @inline(__always) func put(_ k: Int, _ a0: SIMD8<Float>, _ b0: SIMD8<Float>, _ a1: SIMD8<Float>, _ b1: SIMD8<Float>) {
    // d-transform (2 → 4) of the rows at h index 0 (a0, b0) and 1 (a1, b1), then the h-transform.
    @inline(__always) func h(_ a: Int, _ u0: SIMD8<Float>, _ u1: SIMD8<Float>) {
      UnsafeMutableRawPointer(r + (a * 4) * p + k).storeBytes(of: u0, as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(r + (a * 4 + 1) * p + k).storeBytes(of: u0 + u1, as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(r + (a * 4 + 2) * p + k).storeBytes(of: u0 - u1, as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(r + (a * 4 + 3) * p + k).storeBytes(of: -u1, as: SIMD8<Float>.self)
    }
    h(0, a0, a1)
    h(1, a0 + b0, a1 + b1)
    h(2, a0 - b0, a1 - b1)
    h(3, -b0, -b1)
  }
  @inline(__always) func load(_ q: UnsafePointer<Float>, _ k: Int) -> SIMD8<Float> {
    UnsafeRawPointer(q + k).loadUnaligned(as: SIMD8<Float>.self)
  }
  var k = 0
  while k + 8 <= outW {
    put(k, load(y00, k), load(y10, k), load(y01, k), load(y11, k))
    k += 8
  }
  if k < outW {
    // The tail: gather into zero-padded vectors (rows hold at least p ≥ outW rounded up to 8 floats).
    var v00 = SIMD8<Float>(), v10 = SIMD8<Float>(), v01 = SIMD8<Float>(), v11 = SIMD8<Float>()
    for l in 0..<(outW - k) {
      v00[l] = y00[k + l]
      v10[l] = y10[k + l]
      v01[l] = y01[k + l]
      v11[l] = y11[k + l]
    }
    put(k, v00, v10, v01, v11)
    k += 8
  }
  if k < p {
    for ab in 0..<16 { (r + ab * p + k).update(repeating: 0, count: p - k) }
  }
  // w-transform per tile t from (y[2t], y[2t + 1]).
  let tVec = tw & ~7
  for ab in 0..<16 {
    let e = UnsafePointer(r + ab * p)
    let (d0, d1, d2, d3) = (d + (ab * 4) * ld, d + (ab * 4 + 1) * ld, d + (ab * 4 + 2) * ld, d + (ab * 4 + 3) * ld)
    var t = 0
    while t < tVec {
      let v = UnsafeRawPointer(e + 2 * t).loadUnaligned(as: SIMD16<Float>.self)
      let (e0, e1) = (v.evenHalf, v.oddHalf)
      UnsafeMutableRawPointer(d0 + t).storeBytes(of: e0, as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(d1 + t).storeBytes(of: e0 + e1, as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(d2 + t).storeBytes(of: e0 - e1, as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(d3 + t).storeBytes(of: -e1, as: SIMD8<Float>.self)
      t += 8
    }
    while t < tw {
      let (e0, e1) = (e[2 * t], e[2 * t + 1])
      d0[t] = e0
      d1[t] = e0 + e1
      d2[t] = e0 - e1
      d3[t] = -e1
      t += 1
    }
  }
}

/// Gᵀ along each axis (4 → 3): the 27 taps `[kd][kh][kw]` of one (co, ci) pair from its 64 summed
/// transform points `m[ξ]`, ξ = (a·4 + b)·4 + c; written to `dw` or added to it. `scratch`: 84 floats.
@inline(__always)
func winogradWeightGradTaps(
  _ m: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>, accumulate: Bool, scratch: UnsafeMutablePointer<Float>
) {
  @inline(__always) func back(_ m0: Float, _ m1: Float, _ m2: Float, _ m3: Float) -> (Float, Float, Float) {
    (m0 + 0.5 * m1 + 0.5 * m2, 0.5 * m1 - 0.5 * m2, 0.5 * m1 + 0.5 * m2 + m3)
  }
  let w1 = scratch  // [a][b][kw], 48 floats
  for ab in 0..<16 {
    let (k0, k1, k2) = back(m[ab * 4], m[ab * 4 + 1], m[ab * 4 + 2], m[ab * 4 + 3])
    w1[ab * 3] = k0
    w1[ab * 3 + 1] = k1
    w1[ab * 3 + 2] = k2
  }
  let w2 = scratch + 48  // [a][kh][kw], 36 floats
  for a in 0..<4 {
    for kw in 0..<3 {
      let (k0, k1, k2) = back(w1[(a * 4) * 3 + kw], w1[(a * 4 + 1) * 3 + kw], w1[(a * 4 + 2) * 3 + kw], w1[(a * 4 + 3) * 3 + kw])
      w2[(a * 3) * 3 + kw] = k0
      w2[(a * 3 + 1) * 3 + kw] = k1
      w2[(a * 3 + 2) * 3 + kw] = k2
    }
  }
  for hw in 0..<9 {
    let (k0, k1, k2) = back(w2[hw], w2[9 + hw], w2[18 + hw], w2[27 + hw])
    if accumulate {
      dw[hw] += k0
      dw[9 + hw] += k1
      dw[18 + hw] += k2
    } else {
      dw[hw] = k0
      dw[9 + hw] = k1
      dw[18 + hw] = k2
    }
  }
}
