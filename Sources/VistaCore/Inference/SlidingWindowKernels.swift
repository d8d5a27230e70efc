/// Copy, accumulate, pad and crop kernels of the sliding window (row loops over raw pointers).

/// Copies window `start` (size `roi`) of image `image` of `src` [B, C, S0, S1, S2] into `dst` at
/// element offset `offset` as [C, r0, r1, r2].
func extract(
  _ src: Tensor, size: [Int], image: Int, start: [Int], roi: [Int], into dst: inout Tensor, at offset: Int
) {
  let c = src.shape[1]
  let (s1, s2) = (size[1], size[2])
  let (r0, r1, r2) = (roi[0], roi[1], roi[2])
  let plane = size[0] * s1 * s2
  src.withUnsafeBufferPointer { sb in
    dst.withUnsafeMutableBufferPointer { db in
      let (sp, dp) = (sb.baseAddress!, db.baseAddress! + offset)
      for ch in 0..<c {
        let srcBase = (image * c + ch) * plane
        for i in 0..<r0 {
          for j in 0..<r1 {
            let from = sp + srcBase + ((start[0] + i) * s1 + start[1] + j) * s2 + start[2]
            (dp + ((ch * r0 + i) * r1 + j) * r2).update(from: from, count: r2)
          }
        }
      }
    }
  }
}

/// `out[image, k, window] += patch[patchIndex, k] · weights` (or `+= patch` when `weights` is nil).
///
/// out: [batch, channels, S0, S1, S2]; patch: [n, channels, r0, r1, r2]; weights: [r0, r1, r2].
func accumulate(
  into out: inout Tensor, size: [Int], channels: Int, start: [Int], patch: Tensor, patchIndex: Int,
  weights: Tensor?, image: Int = 0, batch: Int = 1
) {
  let roi = Array(patch.shape.suffix(3))
  let (r0, r1, r2) = (roi[0], roi[1], roi[2])
  let (s1, s2) = (size[1], size[2])
  let plane = size[0] * s1 * s2
  let roiCount = r0 * r1 * r2
  let w = weights ?? Tensor(zeros: [0])
  let weighted = weights != nil
  out.withUnsafeMutableBufferPointer { ob in
    patch.withUnsafeBufferPointer { pb in
      w.withUnsafeBufferPointer { wb in
        let op = ob.baseAddress!
        let pp = pb.baseAddress! + patchIndex * channels * roiCount
        let wp = wb.baseAddress
        parallelFor(channels * r0) { row in
          let (k, i) = (row / r0, row % r0)
          for j in 0..<r1 {
            let o = op + (image * channels + k) * plane + ((start[0] + i) * s1 + start[1] + j) * s2 + start[2]
            let p = pp + ((k * r0 + i) * r1 + j) * r2
            if weighted, let wp {
              let wr = wp + (i * r1 + j) * r2
              for l in 0..<r2 { o[l] += p[l] * wr[l] }
            } else {
              for l in 0..<r2 { o[l] += p[l] }
            }
          }
        }
      }
    }
  }
}

/// Divides every [S0, S1, S2] volume of `out` by `count` (same spatial size).
func normalise(_ out: inout Tensor, by count: Tensor) {
  let n = count.count
  let volumes = out.count / n
  out.withUnsafeMutableBufferPointer { ob in
    count.withUnsafeBufferPointer { cb in
      let (op, cp) = (ob.baseAddress!, cb.baseAddress!)
      parallelFor(volumes) { v in
        let base = op + v * n
        for i in 0..<n { base[i] = base[i] / cp[i] }
      }
    }
  }
}

/// Pads [B, C, D0, D1, D2] to `size` with `before` voxels in front on each axis.
func pad3d(_ x: Tensor, to size: [Int], before: [Int], mode: PaddingMode, cval: Float) -> Tensor {
  let (b, c) = (x.shape[0], x.shape[1])
  let (d0, d1, d2) = (x.shape[2], x.shape[3], x.shape[4])
  let (s0, s1, s2) = (size[0], size[1], size[2])
  let volumes = b * c
  return Tensor(shape: [b, c] + size) { out in
    x.withUnsafeBufferPointer { xb in
      let (xp, op) = (xb.baseAddress!, out.baseAddress!)
      parallelFor(volumes) { v in
        for i in 0..<s0 {
          let si = i - before[0]
          for j in 0..<s1 {
            let sj = j - before[1]
            for l in 0..<s2 {
              let sl = l - before[2]
              let dst = ((v * s0 + i) * s1 + j) * s2 + l
              if si >= 0 && si < d0 && sj >= 0 && sj < d1 && sl >= 0 && sl < d2 {
                op[dst] = xp[((v * d0 + si) * d1 + sj) * d2 + sl]
              } else if mode == .replicate {
                let (ci, cj, cl) = (min(max(si, 0), d0 - 1), min(max(sj, 0), d1 - 1), min(max(sl, 0), d2 - 1))
                op[dst] = xp[((v * d0 + ci) * d1 + cj) * d2 + cl]
              } else {
                op[dst] = cval
              }
            }
          }
        }
      }
    }
  }
}

/// Crops [B, K, S0, S1, S2] (size `from`) back to `to`, dropping `before` voxels in front.
func crop3d(_ x: Tensor, from size: [Int], to target: [Int], before: [Int]) -> Tensor {
  let (b, k) = (x.shape[0], x.shape[1])
  let (s1, s2) = (size[1], size[2])
  let (t0, t1, t2) = (target[0], target[1], target[2])
  return Tensor(shape: [b, k] + target) { out in
    x.withUnsafeBufferPointer { xb in
      let (xp, op) = (xb.baseAddress!, out.baseAddress!)
      for v in 0..<(b * k) {
        for i in 0..<t0 {
          for j in 0..<t1 {
            let src = xp + ((v * size[0] + i + before[0]) * s1 + j + before[1]) * s2 + before[2]
            (op + ((v * t0 + i) * t1 + j) * t2).update(from: src, count: t2)
          }
        }
      }
    }
  }
}
