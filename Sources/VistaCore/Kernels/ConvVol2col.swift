import Foundation

// vol2col / col2vol over a chunk of output rows, the chunk planner and a reusable workspace.
//
// An output row is one (od, oh) pair of a sample; rows are numbered r = od·outH + oh, so a chunk of
// rows r0..<r1 is the contiguous column range r0·outW ..< r1·outW of the [Cout, outVoxels] output.
// For input channels c0..<c1 its column matrix is col[(c1 − c0)·k³, (r1 − r0)·outW] with row
// ((ci − c0)·k + kd)·k + kh)·k + kw and column (r − r0)·outW + ow holding
// x[ci, od·s − p + kd, oh·s − p + kh, ow·s − p + kw] (zero outside the volume). Convolving a chunk
// is then one GEMM with the [Cout, Cin·k³] weight. Chunks are sized to stay in a core's cache.

/// Default byte budget of one worker's column chunk; `VISTA_CONV_CHUNK_KB` overrides it (a tuning
/// knob for benchmarks).
let convChunkBudgetBytes: Int = {
  if let v = ProcessInfo.processInfo.environment["VISTA_CONV_CHUNK_KB"], let kb = Int(v), kb > 0 {
    return kb << 10
  }
  return 2048 << 10
}()

/// Fewest GEMM columns per chunk (`VISTA_CONV_MIN_COLS`): OpenBLAS packs the weight once per call,
/// so narrower chunks would spend more time packing than multiplying.
let convChunkMinColumns: Int = {
  if let v = ProcessInfo.processInfo.environment["VISTA_CONV_MIN_COLS"], let c = Int(v), c > 0 {
    return c
  }
  return 512
}()

/// Output rows per chunk for a column matrix of `colRows` rows: as many as fit the byte budget but
/// at least `convChunkMinColumns` columns' worth, clamped to `1...limit`. `override` (tests)
/// forces the chunk size.
func convChunkRows(colRows: Int, outW: Int, limit: Int, override: Int? = nil) -> Int {
  if let override { return max(1, min(limit, override)) }
  let byBudget = convChunkBudgetBytes / max(1, colRows * outW * MemoryLayout<Float>.size)
  let byColumns = (convChunkMinColumns + outW - 1) / outW
  return max(1, min(limit, max(byBudget, byColumns)))
}

/// The `i`-th of `parts` balanced contiguous pieces of `0..<total`.
@inline(__always)
func convPart(_ total: Int, _ parts: Int, _ i: Int) -> Range<Int> {
  (total * i / parts)..<(total * (i + 1) / parts)
}

/// The valid output range `lo..<hi` along one axis for kernel offset `kk`: the outputs `o` whose
/// input index `o·s − p + kk` lies in `0..<n`.
@inline(__always)
func convValidRange(n: Int, outN: Int, kk: Int, stride s: Int, padding p: Int) -> (Int, Int) {
  let lo = p - kk <= 0 ? 0 : (p - kk + s - 1) / s
  let top = n - 1 + p - kk
  let hi = top < 0 ? 0 : min(outN, top / s + 1)
  return (min(lo, hi), hi)
}

/// Unfolds output rows `rows` of one sample for input channels `channels` into `col` (serial).
///
/// x: `[Cin, inD, inH, inW]` (one sample); col: `[channels.count·k³, rows.count·outW]`.
/// Each source line x[ci, id, ih, :] is located once and copied into the k rows kw = 0..<k.
func convVol2col(
  _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry,
  rows: Range<Int>, channels: Range<Int>
) {
  if rows.isEmpty { return }
  let k = g.kernel
  let s = g.stride
  let p = g.padding
  let (inD, inH, inW) = (g.inD, g.inH, g.inW)
  let (outH, outW) = (g.outH, g.outW)
  let nCols = rows.count &* outW
  let channelSize = inD &* inH &* inW
  let spans = (0..<k).map { convValidRange(n: inW, outN: outW, kk: $0, stride: s, padding: p) }
  spans.withUnsafeBufferPointer { spans in
    for ci in channels {
      let xc = x + ci &* channelSize
      for kd in 0..<k {
        for kh in 0..<k {
          let row0: Int = (((ci &- channels.lowerBound) &* k &+ kd) &* k &+ kh) &* k
          let colRow0 = col + row0 &* nCols
          var od = rows.lowerBound / outH
          var oh = rows.lowerBound &- od &* outH
          var c = 0
          for _ in rows {
            let id = od &* s &- p &+ kd
            let ih = oh &* s &- p &+ kh
            if id < 0 || id >= inD || ih < 0 || ih >= inH {
              for kw in 0..<k {
                let dst = colRow0 + (kw &* nCols &+ c)
                var ow = 0
                while ow < outW {
                  dst[ow] = 0
                  ow &+= 1
                }
              }
            } else {
              let lineOffset: Int = (id &* inH &+ ih) &* inW
              let line = xc + lineOffset
              for kw in 0..<k {
                let dst = colRow0 + (kw &* nCols &+ c)
                let (lo, hi) = spans[kw]
                let src = line + (kw &- p)
                var ow = 0
                while ow < lo {
                  dst[ow] = 0
                  ow &+= 1
                }
                if s == 1 {
                  while ow < hi {
                    dst[ow] = src[ow]
                    ow &+= 1
                  }
                } else {
                  while ow < hi {
                    dst[ow] = src[ow &* s]
                    ow &+= 1
                  }
                }
                while ow < outW {
                  dst[ow] = 0
                  ow &+= 1
                }
              }
            }
            c &+= outW
            oh &+= 1
            if oh == outH {
              oh = 0
              od &+= 1
            }
          }
        }
      }
    }
  }
}

/// The adjoint of `convVol2col`: adds `col` back into channels `channels` of `dx` (serial).
///
/// dx: `[Cin, inD, inH, inW]` (one sample); col: `[channels.count·k³, rows.count·outW]`.
func convCol2vol(
  _ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry,
  rows: Range<Int>, channels: Range<Int>
) {
  if rows.isEmpty { return }
  let k = g.kernel
  let s = g.stride
  let p = g.padding
  let (inD, inH, inW) = (g.inD, g.inH, g.inW)
  let (outH, outW) = (g.outH, g.outW)
  let nCols = rows.count &* outW
  let channelSize = inD &* inH &* inW
  let spans = (0..<k).map { convValidRange(n: inW, outN: outW, kk: $0, stride: s, padding: p) }
  spans.withUnsafeBufferPointer { spans in
    for ci in channels {
      let xc = dx + ci &* channelSize
      for kd in 0..<k {
        for kh in 0..<k {
          let row0: Int = (((ci &- channels.lowerBound) &* k &+ kd) &* k &+ kh) &* k
          let colRow0 = col + row0 &* nCols
          var od = rows.lowerBound / outH
          var oh = rows.lowerBound &- od &* outH
          var c = 0
          for _ in rows {
            let id = od &* s &- p &+ kd
            let ih = oh &* s &- p &+ kh
            if id >= 0 && id < inD && ih >= 0 && ih < inH {
              let lineOffset: Int = (id &* inH &+ ih) &* inW
              let line = xc + lineOffset
              for kw in 0..<k {
                let src = colRow0 + (kw &* nCols &+ c)
                let (lo, hi) = spans[kw]
                let dst = line + (kw &- p)
                var ow = lo
                if s == 1 {
                  while ow < hi {
                    dst[ow] += src[ow]
                    ow &+= 1
                  }
                } else {
                  while ow < hi {
                    dst[ow &* s] += src[ow]
                    ow &+= 1
                  }
                }
              }
            }
            c &+= outW
            oh &+= 1
            if oh == outH {
              oh = 0
              od &+= 1
            }
          }
        }
      }
    }
  }
}

/// A reusable 64-byte-aligned scratch buffer for conv column matrices (avoids page faults on
/// every call). Concurrent users each get their own buffer.
final class ConvWorkspace: @unchecked Sendable {
  /// The process-wide pool.
  static let shared = ConvWorkspace()

  // Safe: `buffer`/`capacity` are only touched under `lock`.
  private let lock = NSLock()
  private var buffer: UnsafeMutableRawPointer?
  private var capacity = 0

  /// Runs `body` with at least `count` floats of scratch memory (contents undefined).
  func withBuffer<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R
  {
    let bytes = max(64, count * MemoryLayout<Float>.size)
    lock.lock()
    var mine: UnsafeMutableRawPointer
    var mineCapacity: Int
    if let b = buffer, capacity >= bytes {
      mine = b
      mineCapacity = capacity
      buffer = nil
      capacity = 0
    } else {
      mine = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
      mineCapacity = bytes
    }
    lock.unlock()
    defer {
      lock.lock()
      if mineCapacity >= capacity {
        buffer?.deallocate()
        buffer = mine
        capacity = mineCapacity
      } else {
        mine.deallocate()
      }
      lock.unlock()
    }
    return try body(mine.bindMemory(to: Float.self, capacity: count))
  }

  /// Frees the pooled buffer.
  func release() {
    lock.lock()
    buffer?.deallocate()
    buffer = nil
    capacity = 0
    lock.unlock()
  }
}
