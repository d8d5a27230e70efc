// 3-D convolution kernels (cross-correlation, zero padding) as GEMMs over slab-wise vol2col.
//
// Layouts: x [N, Cin, D, H, W], weight [Cout, Cin, k, k, k] = a row-major [Cout, Cin·k³] matrix,
// y [N, Cout, outD, outH, outW]. Per sample and slab of output planes (see ConvVol2col.swift):
//   forward       y[:, slab]  = W · col                      (M = Cout, N = slab, K = Cin·k³)
//   input grad    dcol        = Wᵀ · dy[:, slab], then col2vol (M = Cin·k³, N = slab, K = Cout)
//   weight grad   dW         += dy[:, slab] · colᵀ           (M = Cout, N = Cin·k³, K = slab)
// 1×1×1 stride-1 unpadded convs skip the unfolding. OpenBLAS threads every GEMM; our own
// parallel loops do the unfolding. The workspace is one slab's column matrix.

/// Forward conv3d: `y = conv(x, w) + bias`.
///
/// x: `[N, Cin, D, H, W]`, w: `[Cout, Cin, k, k, k]`, bias: `[Cout]` or nil,
/// y: `[N, Cout, outD, outH, outW]` (fully overwritten). `slabPlanes` forces the slab size (tests).
public func conv3dForward(
  x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  y: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry, slabPlanes: Int? = nil
) {
  let inSample = g.inChannels * g.inVoxels
  let outVox = g.outVoxels
  let outSample = g.outChannels * outVox
  if g.isPointwise {
    for n in 0..<g.batch {
      BLAS.sgemm(
        m: g.outChannels, n: outVox, k: g.inChannels, a: w, lda: g.inChannels,
        b: x + n * inSample, ldb: outVox, c: y + n * outSample, ldc: outVox)
    }
  } else {
    let planes = convSlabPlanes(g, override: slabPlanes)
    ConvWorkspace.shared.withBuffer(g.colRows * planes * g.outPlane) { col in
      for n in 0..<g.batch {
        var od0 = 0
        while od0 < g.outD {
          let od1 = min(g.outD, od0 + planes)
          let slabN = (od1 - od0) * g.outPlane
          convVol2col(x + n * inSample, col, g, od0: od0, od1: od1)
          BLAS.sgemm(
            m: g.outChannels, n: slabN, k: g.colRows, a: w, lda: g.colRows, b: col, ldb: slabN,
            c: y + n * outSample + od0 * g.outPlane, ldc: outVox)
          od0 = od1
        }
      }
    }
  }
  if let bias { convAddBias(y, bias, batch: g.batch, channels: g.outChannels, voxels: outVox) }
}

/// Input gradient of conv3d: `dx = convᵀ(dy, w)` (also the forward of ConvTranspose3d).
///
/// dy: `[N, Cout, outD, outH, outW]`, w: `[Cout, Cin, k, k, k]`, dx: `[N, Cin, D, H, W]`
/// (overwritten, or added to when `accumulate`).
public func conv3dBackwardInput(
  dy: UnsafePointer<Float>, weight w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
  _ g: Conv3dGeometry, accumulate: Bool = false, slabPlanes: Int? = nil
) {
  let inSample = g.inChannels * g.inVoxels
  let outVox = g.outVoxels
  let outSample = g.outChannels * outVox
  if g.isPointwise {
    for n in 0..<g.batch {
      BLAS.sgemm(
        transA: true, m: g.inChannels, n: outVox, k: g.outChannels, a: w, lda: g.inChannels,
        b: dy + n * outSample, ldb: outVox, beta: accumulate ? 1 : 0, c: dx + n * inSample,
        ldc: outVox)
    }
    return
  }
  if !accumulate { convZero(dx, count: g.batch * inSample) }
  let planes = convSlabPlanes(g, override: slabPlanes)
  ConvWorkspace.shared.withBuffer(g.colRows * planes * g.outPlane) { col in
    for n in 0..<g.batch {
      var od0 = 0
      while od0 < g.outD {
        let od1 = min(g.outD, od0 + planes)
        let slabN = (od1 - od0) * g.outPlane
        BLAS.sgemm(
          transA: true, m: g.colRows, n: slabN, k: g.outChannels, a: w, lda: g.colRows,
          b: dy + n * outSample + od0 * g.outPlane, ldb: outVox, c: col, ldc: slabN)
        convCol2vol(col, dx + n * inSample, g, od0: od0, od1: od1)
        od0 = od1
      }
    }
  }
}

/// Weight gradient of conv3d: `dw (+)= Σ_n dy[n] · unfold(x[n])ᵀ`.
///
/// x: `[N, Cin, D, H, W]`, dy: `[N, Cout, outD, outH, outW]`, dw: `[Cout, Cin, k, k, k]`
/// (overwritten, or added to when `accumulate`).
public func conv3dBackwardWeight(
  x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
  _ g: Conv3dGeometry, accumulate: Bool = false, slabPlanes: Int? = nil
) {
  let inSample = g.inChannels * g.inVoxels
  let outVox = g.outVoxels
  let outSample = g.outChannels * outVox
  var beta: Float = accumulate ? 1 : 0
  if g.isPointwise {
    for n in 0..<g.batch {
      BLAS.sgemm(
        transB: true, m: g.outChannels, n: g.inChannels, k: outVox, a: dy + n * outSample,
        lda: outVox, b: x + n * inSample, ldb: outVox, beta: beta, c: dw, ldc: g.inChannels)
      beta = 1
    }
    return
  }
  let planes = convSlabPlanes(g, override: slabPlanes)
  ConvWorkspace.shared.withBuffer(g.colRows * planes * g.outPlane) { col in
    for n in 0..<g.batch {
      var od0 = 0
      while od0 < g.outD {
        let od1 = min(g.outD, od0 + planes)
        let slabN = (od1 - od0) * g.outPlane
        convVol2col(x + n * inSample, col, g, od0: od0, od1: od1)
        BLAS.sgemm(
          transB: true, m: g.outChannels, n: g.colRows, k: slabN,
          a: dy + n * outSample + od0 * g.outPlane, lda: outVox, b: col, ldb: slabN, beta: beta,
          c: dw, ldc: g.colRows)
        beta = 1
        od0 = od1
      }
    }
  }
}

/// Bias gradient: `db[c] (+)= Σ_{n, voxel} dy[n, c, voxel]` for dy `[N, C, voxels]`.
public func convBackwardBias(
  dy: UnsafePointer<Float>, db: UnsafeMutablePointer<Float>, batch: Int, channels: Int, voxels: Int,
  accumulate: Bool = false
) {
  parallelFor(channels) { c in
    var total = 0.0
    for n in 0..<batch {
      let row = dy + (n &* channels &+ c) &* voxels
      var start = 0
      while start < voxels {
        // Float partial sums over blocks of 1024 (vectorised), blocks summed in Double.
        let end = min(voxels, start &+ 1024)
        var acc: SIMD8<Float> = .zero
        var i = start
        while i &+ 8 <= end {
          acc += UnsafeRawPointer(row + i).loadUnaligned(as: SIMD8<Float>.self)
          i &+= 8
        }
        var tail: Float = acc.sum()
        while i < end {
          tail += row[i]
          i &+= 1
        }
        total += Double(tail)
        start = end
      }
    }
    db[c] = accumulate ? db[c] + Float(total) : Float(total)
  }
}

/// `y[n, c, :] += bias[c]` for y `[N, C, voxels]`.
func convAddBias(
  _ y: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>, batch: Int, channels: Int,
  voxels: Int
) {
  parallelFor(batch * channels) { nc in
    let b = bias[nc % channels]
    let row = y + nc &* voxels
    for i in 0..<voxels { row[i] += b }
  }
}

/// Zeroes `count` floats in parallel.
func convZero(_ p: UnsafeMutablePointer<Float>, count: Int) {
  parallelRanges(count, minChunk: 1 << 16) { r in
    (p + r.lowerBound).update(repeating: 0, count: r.count)
  }
}
