import Foundation

// Row-sharing unfold: up to a third of the vol2col traffic for stride < k.
//
// For a chunk of output rows oh0..<oh1 of one output plane od, kernel row kh reads input rows
// (oh0 + j)·s − p + kh, and rows kh and kh + s read the same rows one output row apart. So the
// unfold keeps kh out of the column matrix: col3[(ci, kd, kw), e·outW + ow] =
// x[ci, od·s − p + kd, (oh0 + e)·s − p + r, ow·s − p + kw] in residue blocks r < s (see
// ConvRowBlocks), and kernel row kh = q·s + r is block r's column window starting at e = q.
// The conv is then k GEMMs (one per kh) with the weight repacked as wr[kh][Cout, Cin·k²]:
//   forward       y[:, chunk] += wr[kh] · col3[window kh]
//   input grad    dcol3[window kh] += wr[kh]ᵀ · dy[:, chunk], then col2vol
//   weight grad   dwr[kh] += dy[:, chunk] · col3[window kh]ᵀ
// For stride 1 the unfold writes Cin·k²·(rows + k − 1)·outW floats instead of Cin·k³·rows·outW.

/// `VISTA_CONV_ROW_REUSE=off` disables the row-sharing unfold, `always` uses it for every conv
/// with stride < k (tuning knobs); by default it runs when one output plane has at least 256
/// columns (measured: a clear gain at 16², 32² and 64² planes, a loss at 8² and 4²) and each
/// of the k GEMMs keeps an inner dimension Cin·k² of at least 128 (1-channel inputs do not).
let convRowReuseMode: String = ProcessInfo.processInfo.environment["VISTA_CONV_ROW_REUSE"] ?? "auto"

/// Whether a conv uses the row-sharing unfold (a forced chunk size, as in tests, forces it).
func convReusesRows(_ g: Conv3dGeometry, forced: Bool) -> Bool {
  guard g.stride < g.kernel, convRowReuseMode != "off" else { return false }
  return forced || convRowReuseMode == "always"
    || (g.outPlane >= 256 && g.inChannels * g.kernel * g.kernel >= 128)
}

/// Repacks w `[Cout, Cin, k, k, k]` into wr `[k (kh), Cout, Cin·k·k (ci, kd, kw)]`.
func convRepackWeightByRow(
  _ w: UnsafePointer<Float>, _ wr: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry
) {
  let k = g.kernel
  let k3 = g.colRows / k  // Cin·k²
  for co in 0..<g.outChannels {
    for ci in 0..<g.inChannels {
      for kd in 0..<k {
        for kh in 0..<k {
          let wIndex: Int = (((co &* g.inChannels &+ ci) &* k &+ kd) &* k &+ kh) &* k
          let rIndex: Int = (kh &* g.outChannels &+ co) &* k3 &+ (ci &* k &+ kd) &* k
          let src = w + wIndex
          let dst = wr + rIndex
          for kw in 0..<k { dst[kw] = src[kw] }
        }
      }
    }
  }
}

/// The inverse of `convRepackWeightByRow`: `dw (+)= unpack(dwr)`.
func convUnpackWeightByRow(
  _ dwr: UnsafePointer<Float>, _ dw: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry,
  accumulate: Bool
) {
  let k = g.kernel
  let k3 = g.colRows / k
  for co in 0..<g.outChannels {
    for ci in 0..<g.inChannels {
      for kd in 0..<k {
        for kh in 0..<k {
          let wIndex: Int = (((co &* g.inChannels &+ ci) &* k &+ kd) &* k &+ kh) &* k
          let rIndex: Int = (kh &* g.outChannels &+ co) &* k3 &+ (ci &* k &+ kd) &* k
          let dst = dw + wIndex
          let src = dwr + rIndex
          for kw in 0..<k { dst[kw] = accumulate ? dst[kw] + src[kw] : src[kw] }
        }
      }
    }
  }
}

/// Where kernel row kh finds its columns in a row-sharing unfold of `rows` output rows.
///
/// Input rows come in `min(stride, k)` residue blocks: block r holds the rows
/// ih = (oh0 + e)·s − p + r for e in 0..<ext(r), as a [taps, ext(r)·outW] matrix, and kernel row
/// kh = q·s + r is the window of block r starting at e = q. Stride 1 has a single block.
struct ConvRowBlocks {
  let stride: Int
  let kernel: Int
  let outW: Int
  let rows: Int
  /// Column-matrix rows: channels·k² (ci, kd, kw).
  let taps: Int

  /// Residue blocks.
  var count: Int { min(stride, kernel) }
  /// Input rows in block r.
  func ext(_ r: Int) -> Int { rows + (kernel - 1 - r) / stride }
  /// Offset of block r in the buffer.
  func offset(_ r: Int) -> Int {
    var o = 0
    for b in 0..<r { o += taps * ext(b) * outW }
    return o
  }
  /// Total floats of all blocks.
  var floats: Int { offset(count) }
  /// Kernel row kh: (offset of its first column, row stride of its block, first window of block).
  func window(_ kh: Int) -> (offset: Int, ld: Int, first: Bool) {
    let r = kh % stride
    let q = kh / stride
    return (offset(r) + q * outW, ext(r) * outW, q == 0)
  }
}

/// Unfolds output rows `oh` of plane `od` for channels `channels` into the residue blocks of
/// `ConvRowBlocks` (serial).
func convVol2colRows(
  _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry, od: Int,
  oh: Range<Int>, channels: Range<Int>
) {
  let k = g.kernel
  let s = g.stride
  let p = g.padding
  let (inD, inH, inW) = (g.inD, g.inH, g.inW)
  let outW = g.outW
  let blocks = ConvRowBlocks(
    stride: s, kernel: k, outW: outW, rows: oh.count, taps: channels.count * k * k)
  let channelSize = inD &* inH &* inW
  let spans = (0..<k).map { convValidRange(n: inW, outN: outW, kk: $0, stride: s, padding: p) }
  spans.withUnsafeBufferPointer { spans in
    for r in 0..<blocks.count {
      let ext = blocks.ext(r)
      let nCols = ext &* outW
      let block = col + blocks.offset(r)
      for ci in channels {
        let xc = x + ci &* channelSize
        for kd in 0..<k {
          let row0: Int = ((ci &- channels.lowerBound) &* k &+ kd) &* k
          let id = od &* s &- p &+ kd
          if id < 0 || id >= inD {
            (block + row0 &* nCols).update(repeating: 0, count: k &* nCols)
            continue
          }
          for e in 0..<ext {
            let ih = (oh.lowerBound &+ e) &* s &- p &+ r
            for kw in 0..<k {
              let dst = block + ((row0 &+ kw) &* nCols &+ e &* outW)
              if ih < 0 || ih >= inH {
                var ow = 0
                while ow < outW {
                  dst[ow] = 0
                  ow &+= 1
                }
                continue
              }
              let srcOffset: Int = (id &* inH &+ ih) &* inW &+ kw &- p
              let src = xc + srcOffset
              let (lo, hi) = spans[kw]
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
        }
      }
    }
  }
}

/// The adjoint of `convVol2colRows`: adds the blocks back into channels `channels` of dx (serial).
func convCol2volRows(
  _ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry, od: Int,
  oh: Range<Int>, channels: Range<Int>
) {
  let k = g.kernel
  let s = g.stride
  let p = g.padding
  let (inD, inH, inW) = (g.inD, g.inH, g.inW)
  let outW = g.outW
  let blocks = ConvRowBlocks(
    stride: s, kernel: k, outW: outW, rows: oh.count, taps: channels.count * k * k)
  let channelSize = inD &* inH &* inW
  let spans = (0..<k).map { convValidRange(n: inW, outN: outW, kk: $0, stride: s, padding: p) }
  spans.withUnsafeBufferPointer { spans in
    for r in 0..<blocks.count {
      let ext = blocks.ext(r)
      let nCols = ext &* outW
      let block = col + blocks.offset(r)
      for ci in channels {
        let xc = dx + ci &* channelSize
        for kd in 0..<k {
          let row0: Int = ((ci &- channels.lowerBound) &* k &+ kd) &* k
          let id = od &* s &- p &+ kd
          if id < 0 || id >= inD { continue }
          for e in 0..<ext {
            let ih = (oh.lowerBound &+ e) &* s &- p &+ r
            if ih < 0 || ih >= inH { continue }
            for kw in 0..<k {
              let src = block + ((row0 &+ kw) &* nCols &+ e &* outW)
              let dstOffset: Int = (id &* inH &+ ih) &* inW &+ kw &- p
              let dst = xc + dstOffset
              let (lo, hi) = spans[kw]
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
        }
      }
    }
  }
}
