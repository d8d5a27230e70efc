import Foundation

// Row-sharing unfold for stride-1 convs: a third of the vol2col traffic.
//
// For a chunk of output rows oh0..<oh1 of one output plane od, the k kernel rows kh read the
// input rows oh0 − p + kh …, which overlap. So the unfold keeps kh out of the column matrix:
// col3[(ci, kd, kw), e·outW + ow] = x[ci, od − p + kd, oh0 − p + e, ow − p + kw] for the
// oh1 − oh0 + k − 1 "extended" rows e, and kernel row kh is the column window starting at e = kh.
// The conv is then k GEMMs (one per kh) with the weight repacked as wr[kh][Cout, Cin·k²]:
//   forward       y[:, chunk] += wr[kh] · col3[:, kh·outW ..< kh·outW + chunk]
//   input grad    dcol3[:, window kh] += wr[kh]ᵀ · dy[:, chunk], then col2vol
//   weight grad   dwr[kh] += dy[:, chunk] · col3[:, window kh]ᵀ
// The unfold writes Cin·k²·(rows + k − 1)·outW floats instead of Cin·k³·rows·outW.

/// `VISTA_CONV_ROW_REUSE=off` disables the row-sharing unfold, `always` uses it for every stride-1
/// conv with k > 1 (tuning knobs); by default it runs when one output plane has at least 256
/// columns (measured: a clear gain at 16², 32² and 64² planes, a loss at 8² and 4²) and each
/// of the k GEMMs keeps an inner dimension Cin·k² of at least 128 (1-channel inputs do not).
let convRowReuseMode: String = ProcessInfo.processInfo.environment["VISTA_CONV_ROW_REUSE"] ?? "auto"

/// Whether a conv uses the row-sharing unfold (a forced chunk size, as in tests, forces it).
func convReusesRows(_ g: Conv3dGeometry, forced: Bool) -> Bool {
  guard g.stride == 1, g.kernel > 1, convRowReuseMode != "off" else { return false }
  return forced || convRowReuseMode == "always"
    || (g.outPlane >= 256 && g.inChannels * g.kernel * g.kernel >= 128)
}

/// Repacks w `[Cout, Cin, k, k, k]` into wr `[k (kh), Cout, Cin·k·k (ci, kd, kw)]`.
func convRepackWeightByRow(_ w: UnsafePointer<Float>, _ wr: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry) {
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

/// Unfolds output rows `oh` of plane `od` for channels `channels` into
/// col3 `[channels.count·k², (oh.count + k − 1)·outW]` (serial; stride 1).
func convVol2colRows(
  _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry, od: Int,
  oh: Range<Int>, channels: Range<Int>
) {
  let k = g.kernel
  let p = g.padding
  let (inD, inH, inW) = (g.inD, g.inH, g.inW)
  let outW = g.outW
  let ext = oh.count &+ k &- 1
  let nCols = ext &* outW
  let channelSize = inD &* inH &* inW
  let spans = (0..<k).map { convValidRange(n: inW, outN: outW, kk: $0, stride: 1, padding: p) }
  spans.withUnsafeBufferPointer { spans in
    for ci in channels {
      let xc = x + ci &* channelSize
      for kd in 0..<k {
        let row0: Int = ((ci &- channels.lowerBound) &* k &+ kd) &* k
        let id = od &- p &+ kd
        if id < 0 || id >= inD {
          (col + row0 &* nCols).update(repeating: 0, count: k &* nCols)
          continue
        }
        for e in 0..<ext {
          let ih = oh.lowerBound &- p &+ e
          for kw in 0..<k {
            let dst = col + ((row0 &+ kw) &* nCols &+ e &* outW)
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
            while ow < hi {
              dst[ow] = src[ow]
              ow &+= 1
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

/// The adjoint of `convVol2colRows`: adds col3 back into channels `channels` of dx (serial).
func convCol2volRows(
  _ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry, od: Int,
  oh: Range<Int>, channels: Range<Int>
) {
  let k = g.kernel
  let p = g.padding
  let (inD, inH, inW) = (g.inD, g.inH, g.inW)
  let outW = g.outW
  let ext = oh.count &+ k &- 1
  let nCols = ext &* outW
  let channelSize = inD &* inH &* inW
  let spans = (0..<k).map { convValidRange(n: inW, outN: outW, kk: $0, stride: 1, padding: p) }
  spans.withUnsafeBufferPointer { spans in
    for ci in channels {
      let xc = dx + ci &* channelSize
      for kd in 0..<k {
        let row0: Int = ((ci &- channels.lowerBound) &* k &+ kd) &* k
        let id = od &- p &+ kd
        if id < 0 || id >= inD { continue }
        for e in 0..<ext {
          let ih = oh.lowerBound &- p &+ e
          if ih < 0 || ih >= inH { continue }
          for kw in 0..<k {
            let src = col + ((row0 &+ kw) &* nCols &+ e &* outW)
            let dstOffset: Int = (id &* inH &+ ih) &* inW &+ kw &- p
            let dst = xc + dstOffset
            let (lo, hi) = spans[kw]
            var ow = lo
            while ow < hi {
              dst[ow] += src[ow]
              ow &+= 1
            }
          }
        }
      }
    }
  }
}
