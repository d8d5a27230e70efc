import Foundation

// 3-D convolution kernels (cross-correlation, zero padding) as GEMMs over chunk-wise vol2col.
//
// Layouts: x [N, Cin, D, H, W], weight [Cout, Cin, k, k, k] = a row-major [Cout, Cin·k³] matrix,
// y [N, Cout, outD, outH, outW]. Per sample and chunk of output rows (see ConvVol2col.swift):
//   forward       y[:, chunk] = W · col                      (M = Cout, N = chunk, K = Cin·k³)
//   input grad    dcol        = Wᵀ · dy[:, chunk], then col2vol (M = Cin·k³, N = chunk, K = Cout)
//   weight grad   dW         += dy[:, chunk] · colᵀ           (M = Cout, N = Cin·k³, K = chunk)
// 1×1×1 stride-1 unpadded convs skip the unfolding (each core multiplies its share). Otherwise
// each core runs its own chunks (unfold, then a single-threaded GEMM) on a disjoint part of the
// output, so unfolding overlaps multiplying and a chunk's columns stay in that core's cache. The
// workspace is one cache-sized column chunk per core.

/// Whether forward convs may unfold in channel blocks (`VISTA_CONV_CHANNEL_BLOCKS=off`: never, a
/// tuning knob for benchmarks).
let convChannelBlocks: Bool = ProcessInfo.processInfo.environment["VISTA_CONV_CHANNEL_BLOCKS"] != "off"

/// How one conv call spreads over the cores: each worker runs its own chunks with a
/// single-threaded GEMM, so unfolding and multiplying overlap and stay in that core's cache.
struct ConvPlan {
  /// Workers (cores) used.
  var workers: Int
  /// True when workers split output columns (rows); false when they split channels.
  var splitColumns: Bool
  /// Output rows per chunk.
  var chunkRows: Int
  /// True for the row-sharing unfold (ConvRowReuse.swift): chunks stay inside one output plane.
  var reuseRows: Bool
  /// Floats of one worker's column buffer (rounded up to 64 bytes).
  var bufferFloats: Int
  /// Input channels unfolded (and multiplied) at a time. All of them, unless one chunk of every
  /// channel would overflow the cache budget (small planes, many channels: 8³ and 4³ at 384/768
  /// channels); then the GEMMs accumulate over channel blocks that fit it.
  var channelBlock: Int

  init(
    _ g: Conv3dGeometry, workers: Int, splitColumns: Bool, channels: Int, limit: Int, override: Int?,
    blockChannels: Bool = false
  ) {
    self.workers = workers
    self.splitColumns = splitColumns
    reuseRows = convReusesRows(g, forced: override != nil)
    let colRows = channels * (reuseRows ? g.kernel * g.kernel : g.kernelVolume)
    let rowLimit = reuseRows ? min(limit, g.outH) : limit
    chunkRows = convChunkRows(colRows: colRows, outW: g.outW, limit: rowLimit, override: override)
    let floats =
      reuseRows
      ? ConvRowBlocks(
        stride: g.stride, kernel: g.kernel, outW: g.outW, rows: chunkRows, taps: colRows
      )
      .floats
      : colRows * chunkRows * g.outW
    let perChannel = g.kernelVolume * chunkRows * g.outW * MemoryLayout<Float>.size
    if blockChannels && convChannelBlocks && !reuseRows && override == nil && channels * perChannel > convChunkBudgetBytes {
      channelBlock = max(8, convChunkBudgetBytes / perChannel / 8 * 8)
      bufferFloats = (channelBlock * perChannel / MemoryLayout<Float>.size + 15) & ~15
    } else {
      channelBlock = channels
      bufferFloats = (floats + 15) & ~15
    }
  }

  /// Forward: split columns when each worker gets at least 128 of them (measured better than
  /// splitting output channels, which unfolds everything twice, down to 8³ outputs), otherwise
  /// output channels. A forced chunk size (tests) also forces the column split.
  static func forward(_ g: Conv3dGeometry, override: Int?) -> ConvPlan {
    let workers = parallelWorkers
    let rows = g.outD * g.outH
    let splitColumns =
      rows >= workers && (override != nil || g.outVoxels >= 128 * workers)
    let perWorker = splitColumns ? (rows + workers - 1) / workers : rows
    return ConvPlan(
      g, workers: workers, splitColumns: splitColumns, channels: g.inChannels, limit: perWorker,
      override: override, blockChannels: true)
  }

  /// Gradients: split input channels (each worker owns its dx channels / dw columns); with fewer
  /// input channels than workers the weight grad splits output channels instead.
  static func backward(_ g: Conv3dGeometry, override: Int?) -> ConvPlan {
    let workers = parallelWorkers
    let splitColumns = g.inChannels < workers
    let channels = splitColumns ? g.inChannels : (g.inChannels + workers - 1) / workers
    return ConvPlan(
      g, workers: workers, splitColumns: splitColumns, channels: channels,
      limit: g.outD * g.outH, override: override)
  }

  /// The end of the chunk starting at output row `r0` (rows end at `limit`).
  @inline(__always)
  func chunkEnd(_ r0: Int, limit: Int, outH: Int) -> Int {
    let r1 = min(limit, r0 + chunkRows)
    return reuseRows ? min(r1, (r0 / outH + 1) * outH) : r1
  }
}

/// Bytes of extra workspace a conv with this geometry uses (the largest of its three passes;
/// for pointwise convs only the weight-grad partials).
public func conv3dWorkspaceBytes(_ g: Conv3dGeometry) -> Int {
  if g.isPointwise {
    return ((g.outChannels * g.inChannels + 15) & ~15) * parallelWorkers * MemoryLayout<Float>.size
  }
  let f = ConvPlan.forward(g, override: nil)
  let b = ConvPlan.backward(g, override: nil)
  var floats = max(f.bufferFloats * f.workers, b.bufferFloats * b.workers)
  if g.usesWinograd {
    // Forward and input grad: the transformed weights are a separate allocation of 64·Cout·Cin
    // floats. Weight grad: each worker also keeps a 64·Cout·Cin partial sum.
    let w = WinogradPlan(g)
    let pairs = 64 * g.outChannels * g.inChannels
    floats = max(floats, w.workerFloats * w.workers + pairs)
    floats = max(floats, w.gradWorkerFloats(g) * w.workers)
  }
  return floats * MemoryLayout<Float>.size
}

/// Forward conv3d: `y = conv(x, w) + bias`.
///
/// x: `[N, Cin, D, H, W]`, w: `[Cout, Cin, k, k, k]`, bias: `[Cout]` or nil,
/// y: `[N, Cout, outD, outH, outW]` (fully overwritten). `chunkRows` forces the chunk size (tests).
public func conv3dForward(
  x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  y: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry, chunkRows: Int? = nil
) {
  let inSample = g.inChannels * g.inVoxels
  let outVox = g.outVoxels
  let outSample = g.outChannels * outVox
  let (k, outW) = (g.kernel, g.outW)
  if g.isPointwise {
    // Each worker multiplies its own share of the voxels (no unfolding needed).
    let workers = outVox >= 4096 * parallelWorkers ? parallelWorkers : 1
    parallelFor(workers) { t in
      let v = convPart(outVox, workers, t)
      for n in 0..<g.batch {
        BLAS.sgemm(
          serial: workers > 1,
          m: g.outChannels, n: v.count, k: g.inChannels, a: w, lda: g.inChannels,
          b: x + n * inSample + v.lowerBound, ldb: outVox, c: y + n * outSample + v.lowerBound,
          ldc: outVox)
      }
    }
  } else if chunkRows == nil && g.usesWinograd {
    conv3dWinograd(x: x, weight: w, y: y, g)
  } else {
    let plan = ConvPlan.forward(g, override: chunkRows)
    let totalRows = g.outD * g.outH
    // Row sharing multiplies by the weight repacked per kernel row; otherwise by w itself.
    let kCol = plan.reuseRows ? g.colRows / k : g.colRows
    let wr = plan.reuseRows ? convRepacked(w, g) : []
    wr.withUnsafeBufferPointer { wrp in
      ConvWorkspace.shared.withBuffer(plan.bufferFloats * plan.workers) { ws in
        parallelFor(plan.workers) { t in
          let col = ws + t * plan.bufferFloats
          let rows = plan.splitColumns ? convPart(totalRows, plan.workers, t) : 0..<totalRows
          let cos = plan.splitColumns ? 0..<g.outChannels : convPart(g.outChannels, plan.workers, t)
          if rows.isEmpty || cos.isEmpty { return }
          for n in 0..<g.batch {
            var r0 = rows.lowerBound
            while r0 < rows.upperBound {
              let r1 = plan.chunkEnd(r0, limit: rows.upperBound, outH: g.outH)
              let nCols = (r1 - r0) * outW
              let yc = y + n * outSample + cos.lowerBound * outVox + r0 * outW
              if plan.reuseRows {
                let od = r0 / g.outH
                let oh0 = r0 - od * g.outH
                let blocks = ConvRowBlocks(
                  stride: g.stride, kernel: k, outW: outW, rows: r1 - r0, taps: kCol)
                convVol2colRows(
                  x + n * inSample, col, g, od: od, oh: oh0..<(oh0 + r1 - r0),
                  channels: 0..<g.inChannels)
                for kh in 0..<k {
                  let win = blocks.window(kh)
                  BLAS.sgemm(
                    serial: plan.workers > 1,
                    m: cos.count, n: nCols, k: kCol,
                    a: wrp.baseAddress! + (kh * g.outChannels + cos.lowerBound) * kCol, lda: kCol,
                    b: col + win.offset, ldb: win.ld, beta: kh == 0 ? 0 : 1, c: yc, ldc: outVox)
                }
              } else {
                var c0 = 0
                while c0 < g.inChannels {
                  let c1 = min(g.inChannels, c0 + plan.channelBlock)
                  let kv = g.kernelVolume
                  convVol2col(x + n * inSample, col, g, rows: r0..<r1, channels: c0..<c1)
                  BLAS.sgemm(
                    serial: plan.workers > 1,
                    m: cos.count, n: nCols, k: (c1 - c0) * kv, a: w + cos.lowerBound * kCol + c0 * kv,
                    lda: kCol, b: col, ldb: nCols, beta: c0 == 0 ? 0 : 1, c: yc, ldc: outVox)
                  c0 = c1
                }
              }
              r0 = r1
            }
          }
        }
      }
    }
  }
  if let bias { convAddBias(y, bias, batch: g.batch, channels: g.outChannels, voxels: outVox) }
}

/// Input gradient of conv3d: `dx = convᵀ(dy, w)` (also the forward of ConvTranspose3d).
///
/// dy: `[N, Cout, outD, outH, outW]`, w: `[Cout, Cin, k, k, k]`, dx: `[N, Cin, D, H, W]`
/// (overwritten, or added to when `accumulate`). Workers own disjoint input channels.
public func conv3dBackwardInput(
  dy: UnsafePointer<Float>, weight w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
  _ g: Conv3dGeometry, accumulate: Bool = false, chunkRows: Int? = nil
) {
  let inSample = g.inChannels * g.inVoxels
  let outVox = g.outVoxels
  let outSample = g.outChannels * outVox
  let (k, outW) = (g.kernel, g.outW)
  if g.isPointwise {
    let workers = outVox >= 4096 * parallelWorkers ? parallelWorkers : 1
    parallelFor(workers) { t in
      let v = convPart(outVox, workers, t)
      for n in 0..<g.batch {
        BLAS.sgemm(
          serial: workers > 1,
          transA: true, m: g.inChannels, n: v.count, k: g.outChannels, a: w, lda: g.inChannels,
          b: dy + n * outSample + v.lowerBound, ldb: outVox, beta: accumulate ? 1 : 0,
          c: dx + n * inSample + v.lowerBound, ldc: outVox)
      }
    }
    return
  }
  if !accumulate && chunkRows == nil && g.usesWinograd {
    // A stride-1 same-padded conv's input gradient is the same kind of conv with the weight
    // transposed and flipped.
    conv3dWinograd(x: dy, weight: w, y: dx, g.winogradAdjoint, adjoint: true)
    return
  }
  if !accumulate { convZero(dx, count: g.batch * inSample) }
  var plan = ConvPlan.backward(g, override: chunkRows)
  // Fewer input channels than cores: one worker, whose (non-serial) GEMM splits over the cores.
  if plan.splitColumns { plan.workers = 1 }
  let totalRows = g.outD * g.outH
  let kCol = plan.reuseRows ? g.colRows / k : g.colRows
  let taps = plan.reuseRows ? k * k : g.kernelVolume  // col rows per input channel
  let wr = plan.reuseRows ? convRepacked(w, g) : []
  wr.withUnsafeBufferPointer { wrp in
    ConvWorkspace.shared.withBuffer(plan.bufferFloats * plan.workers) { ws in
      parallelFor(plan.workers) { t in
        let col = ws + t * plan.bufferFloats
        let cis = convPart(g.inChannels, plan.workers, t)
        if cis.isEmpty { return }
        for n in 0..<g.batch {
          var r0 = 0
          while r0 < totalRows {
            let r1 = plan.chunkEnd(r0, limit: totalRows, outH: g.outH)
            let nCols = (r1 - r0) * outW
            let dyc = dy + n * outSample + r0 * outW
            if plan.reuseRows {
              let od = r0 / g.outH
              let oh0 = r0 - od * g.outH
              let blocks = ConvRowBlocks(
                stride: g.stride, kernel: k, outW: outW, rows: r1 - r0, taps: cis.count * taps)
              // A block's first window (q = 0) overwrites columns 0..<nCols; the rest of each
              // row is only added to, so it starts from zero.
              for r in 0..<blocks.count {
                let ld = blocks.ext(r) * outW
                if ld == nCols { continue }
                for j in 0..<(cis.count * taps) {
                  (col + blocks.offset(r) + j * ld + nCols).update(repeating: 0, count: ld - nCols)
                }
              }
              for kh in 0..<k {
                let win = blocks.window(kh)
                BLAS.sgemm(
                  serial: plan.workers > 1,
                  transA: true, m: cis.count * taps, n: nCols, k: g.outChannels,
                  a: wrp.baseAddress! + kh * g.outChannels * kCol + cis.lowerBound * taps,
                  lda: kCol, b: dyc, ldb: outVox, beta: win.first ? 0 : 1, c: col + win.offset,
                  ldc: win.ld)
              }
              convCol2volRows(
                col, dx + n * inSample, g, od: od, oh: oh0..<(oh0 + r1 - r0), channels: cis)
            } else {
              BLAS.sgemm(
                serial: plan.workers > 1,
                transA: true, m: cis.count * taps, n: nCols, k: g.outChannels,
                a: w + cis.lowerBound * taps, lda: kCol, b: dyc, ldb: outVox, c: col, ldc: nCols)
              convCol2vol(col, dx + n * inSample, g, rows: r0..<r1, channels: cis)
            }
            r0 = r1
          }
        }
      }
    }
  }
}

/// Weight gradient of conv3d: `dw (+)= Σ_n dy[n] · unfold(x[n])ᵀ`.
///
/// x: `[N, Cin, D, H, W]`, dy: `[N, Cout, outD, outH, outW]`, dw: `[Cout, Cin, k, k, k]`
/// (overwritten, or added to when `accumulate`). Workers own disjoint blocks of dw.
public func conv3dBackwardWeight(
  x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
  _ g: Conv3dGeometry, accumulate: Bool = false, chunkRows: Int? = nil
) {
  let inSample = g.inChannels * g.inVoxels
  let outVox = g.outVoxels
  let outSample = g.outChannels * outVox
  let (k, outW) = (g.kernel, g.outW)
  if g.isPointwise {
    convPointwiseWeightGrad(x: x, dy: dy, dw: dw, g, accumulate: accumulate)
    return
  }
  if chunkRows == nil && g.usesWinograd {
    conv3dWinogradWeightGrad(x: x, dy: dy, dw: dw, g, accumulate: accumulate)
    return
  }
  let plan = ConvPlan.backward(g, override: chunkRows)
  let totalRows = g.outD * g.outH
  let kCol = plan.reuseRows ? g.colRows / k : g.colRows
  let taps = plan.reuseRows ? k * k : g.kernelVolume
  // Row sharing accumulates into a zeroed repacked gradient, unpacked at the end.
  var dwr = plan.reuseRows ? [Float](repeating: 0, count: g.outChannels * g.colRows) : []
  dwr.withUnsafeMutableBufferPointer { dwrp in
    ConvWorkspace.shared.withBuffer(plan.bufferFloats * plan.workers) { ws in
      parallelFor(plan.workers) { t in
        let col = ws + t * plan.bufferFloats
        // Few input channels: every worker unfolds all of them and owns some output channels.
        let cis = plan.splitColumns ? 0..<g.inChannels : convPart(g.inChannels, plan.workers, t)
        let cos = plan.splitColumns ? convPart(g.outChannels, plan.workers, t) : 0..<g.outChannels
        if cis.isEmpty || cos.isEmpty { return }
        var beta: Float = accumulate ? 1 : 0
        for n in 0..<g.batch {
          var r0 = 0
          while r0 < totalRows {
            let r1 = plan.chunkEnd(r0, limit: totalRows, outH: g.outH)
            let nCols = (r1 - r0) * outW
            let dyc = dy + n * outSample + cos.lowerBound * outVox + r0 * outW
            if plan.reuseRows {
              let od = r0 / g.outH
              let oh0 = r0 - od * g.outH
              let blocks = ConvRowBlocks(
                stride: g.stride, kernel: k, outW: outW, rows: r1 - r0, taps: cis.count * taps)
              convVol2colRows(
                x + n * inSample, col, g, od: od, oh: oh0..<(oh0 + r1 - r0), channels: cis)
              for kh in 0..<k {
                let win = blocks.window(kh)
                BLAS.sgemm(
                  serial: plan.workers > 1,
                  transB: true, m: cos.count, n: cis.count * taps, k: nCols, a: dyc, lda: outVox,
                  b: col + win.offset, ldb: win.ld, beta: 1,
                  c: dwrp.baseAddress! + (kh * g.outChannels + cos.lowerBound) * kCol
                    + cis.lowerBound * taps,
                  ldc: kCol)
              }
            } else {
              convVol2col(x + n * inSample, col, g, rows: r0..<r1, channels: cis)
              BLAS.sgemm(
                serial: plan.workers > 1,
                transB: true, m: cos.count, n: cis.count * taps, k: nCols, a: dyc, lda: outVox,
                b: col, ldb: nCols, beta: beta,
                c: dw + cos.lowerBound * kCol + cis.lowerBound * taps, ldc: kCol)
              beta = 1
            }
            r0 = r1
          }
        }
      }
    }
    if plan.reuseRows {
      convUnpackWeightByRow(UnsafePointer(dwrp.baseAddress!), dw, g, accumulate: accumulate)
    }
  }
}

/// w `[Cout, Cin, k, k, k]` repacked per kernel row (see ConvRowReuse.swift).
func convRepacked(_ w: UnsafePointer<Float>, _ g: Conv3dGeometry) -> [Float] {
  [Float](unsafeUninitializedCapacity: g.outChannels * g.colRows) { buf, count in
    convRepackWeightByRow(w, buf.baseAddress!, g)
    count = g.outChannels * g.colRows
  }
}

/// Pointwise weight grad `dw[Cout, Cin] (+)= Σ_n dy[n] · x[n]ᵀ`: a GEMM with a long inner
/// dimension, so each worker reduces its own share of the voxels and the partials are summed.
func convPointwiseWeightGrad(
  x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
  _ g: Conv3dGeometry, accumulate: Bool
) {
  let vox = g.outVoxels
  let (cin, cout) = (g.inChannels, g.outChannels)
  let size = (cout * cin + 15) & ~15
  let workers = vox >= 4096 * parallelWorkers ? parallelWorkers : 1
  ConvWorkspace.shared.withBuffer(size * workers) { partials in
    parallelFor(workers) { t in
      let part = convPart(vox, workers, t)
      var beta: Float = 0
      for n in 0..<g.batch {
        BLAS.sgemm(
          serial: workers > 1,
          transB: true, m: cout, n: cin, k: part.count,
          a: dy + n * cout * vox + part.lowerBound, lda: vox,
          b: x + n * cin * vox + part.lowerBound, ldb: vox, beta: beta,
          c: partials + t * size, ldc: cin)
        beta = 1
      }
    }
    for i in 0..<(cout * cin) {
      var v: Float = accumulate ? dw[i] : 0
      for t in 0..<workers { v += partials[t &* size &+ i] }
      dw[i] = v
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
