import Foundation

// vol2col / col2vol over a slab of output depth planes, plus the slab planner and a reusable
// workspace. A slab is the output planes od0..<od1 of one sample; its column matrix is
// col[Cin·k³, (od1 − od0)·outH·outW] with row r = ((ci·k + kd)·k + kh)·k + kw and column
// c = (od − od0)·outH·outW + oh·outW + ow, holding x[ci, od·s − p + kd, oh·s − p + kh, ow·s − p + kw]
// (zero outside the volume). Convolving a slab is then one GEMM with the [Cout, Cin·k³] weight.

/// Default byte budget of one slab's column matrix (the conv workspace); `VISTA_CONV_SLAB_MB`
/// overrides it (a tuning knob for benchmarks).
let convSlabBudgetBytes: Int = {
  if let v = ProcessInfo.processInfo.environment["VISTA_CONV_SLAB_MB"], let mb = Int(v), mb > 0 {
    return mb << 20
  }
  return 24 << 20
}()

/// Output depth planes per slab: as many as fit `budgetBytes`, at least one.
///
/// `override` (tests) forces a slab size, clamped to 1...outD.
func convSlabPlanes(_ g: Conv3dGeometry, budgetBytes: Int = convSlabBudgetBytes, override: Int? = nil)
  -> Int
{
  if let override { return max(1, min(g.outD, override)) }
  let perPlane = g.colRows * g.outPlane * MemoryLayout<Float>.size
  return max(1, min(g.outD, budgetBytes / max(1, perPlane)))
}

/// Bytes of extra workspace a conv with this geometry uses (0 for pointwise convs).
public func conv3dWorkspaceBytes(_ g: Conv3dGeometry) -> Int {
  if g.isPointwise { return 0 }
  return g.colRows * convSlabPlanes(g) * g.outPlane * MemoryLayout<Float>.size
}

/// The valid output-column range `lo..<hi` along one axis for kernel offset `kk`: the outputs
/// `o` whose input index `o·s − p + kk` lies in `0..<n`.
@inline(__always)
func convValidRange(n: Int, outN: Int, kk: Int, stride s: Int, padding p: Int) -> (Int, Int) {
  let lo = p - kk <= 0 ? 0 : (p - kk + s - 1) / s
  let top = n - 1 + p - kk
  let hi = top < 0 ? 0 : min(outN, top / s + 1)
  return (min(lo, hi), hi)
}

/// Unfolds output planes `od0..<od1` of one sample: `col[Cin·k³, (od1−od0)·outH·outW]`.
///
/// x: `[Cin, inD, inH, inW]` (one sample). Rows are filled in parallel.
func convVol2col(
  _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry, od0: Int,
  od1: Int
) {
  let k = g.kernel
  let s = g.stride
  let p = g.padding
  let (inD, inH, inW) = (g.inD, g.inH, g.inW)
  let (outH, outW) = (g.outH, g.outW)
  let slabN = (od1 - od0) &* outH &* outW
  let rows = g.colRows
  parallelRanges(rows, minChunk: 1) { range in
    for r in range {
      let kw = r % k
      let kh = (r / k) % k
      let kd = (r / (k * k)) % k
      let ci = r / (k * k * k)
      let (owLo, owHi) = convValidRange(n: inW, outN: outW, kk: kw, stride: s, padding: p)
      var dst = col + r &* slabN
      let xc = x + ci &* (inD &* inH &* inW)
      for od in od0..<od1 {
        let id = od &* s &- p &+ kd
        if id < 0 || id >= inD {
          dst.update(repeating: 0, count: outH &* outW)
          dst += outH &* outW
          continue
        }
        for oh in 0..<outH {
          let ih = oh &* s &- p &+ kh
          if ih < 0 || ih >= inH {
            dst.update(repeating: 0, count: outW)
            dst += outW
            continue
          }
          let srcOffset: Int = (id &* inH &+ ih) &* inW &+ kw &- p
          let src = xc + srcOffset
          var ow = 0
          while ow < owLo {
            dst[ow] = 0
            ow &+= 1
          }
          if s == 1 {
            (dst + owLo).update(from: src + owLo, count: owHi &- owLo)
          } else {
            ow = owLo
            while ow < owHi {
              dst[ow] = src[ow &* s]
              ow &+= 1
            }
          }
          ow = owHi
          while ow < outW {
            dst[ow] = 0
            ow &+= 1
          }
          dst += outW
        }
      }
    }
  }
}

/// The adjoint of `convVol2col`: adds `col[Cin·k³, slab]` back into `dx[Cin, inD, inH, inW]`.
///
/// Input channels are processed in parallel (each channel's rows land in its own planes).
func convCol2vol(
  _ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry, od0: Int,
  od1: Int
) {
  let k = g.kernel
  let s = g.stride
  let p = g.padding
  let (inD, inH, inW) = (g.inD, g.inH, g.inW)
  let (outH, outW) = (g.outH, g.outW)
  let slabN = (od1 - od0) &* outH &* outW
  let kk3 = g.kernelVolume
  parallelFor(g.inChannels) { ci in
    let xc = dx + ci &* (inD &* inH &* inW)
    for kr in 0..<kk3 {
      let kw = kr % k
      let kh = (kr / k) % k
      let kd = kr / (k * k)
      let (owLo, owHi) = convValidRange(n: inW, outN: outW, kk: kw, stride: s, padding: p)
      if owLo >= owHi { continue }
      var src = col + (ci &* kk3 &+ kr) &* slabN
      for od in od0..<od1 {
        let id = od &* s &- p &+ kd
        if id < 0 || id >= inD {
          src += outH &* outW
          continue
        }
        for oh in 0..<outH {
          let ih = oh &* s &- p &+ kh
          if ih >= 0 && ih < inH {
            let dstOffset: Int = (id &* inH &+ ih) &* inW &+ kw &- p
            let dst = xc + dstOffset
            var ow = owLo
            if s == 1 {
              while ow < owHi {
                dst[ow] += src[ow]
                ow &+= 1
              }
            } else {
              while ow < owHi {
                dst[ow &* s] += src[ow]
                ow &+= 1
              }
            }
          }
          src += outW
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
  func withBuffer<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
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
