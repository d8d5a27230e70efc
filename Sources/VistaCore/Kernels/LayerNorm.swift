/// Layer normalisation over the last dimension (llm.c's layernorm_forward/backward).
///
/// x, y: [rows, c]; mean, rstd: [rows]; weight, bias: [c] or nil. Forward per row: mean, biased
/// variance (two passes in Double), ŷ = (x − mean)·rstd, y = ŷ·w + b. Backward per row:
///   dŷ = g·w;  dx = rstd · (dŷ − mean(dŷ) − ŷ · mean(dŷ ŷ));  dw += g ŷ;  db += g.

/// Forward over `rows` rows of `c` floats; writes y, mean and rstd.
func layerNormForward(
  y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
  x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
  rows: Int, c: Int, eps: Float
) {
  parallelRanges(rows, minChunk: max(1, 16_384 / max(1, c))) { range in
    for row in range {
      let xp = x + row &* c
      let yp = y + row &* c
      var s = 0.0
      for i in 0..<c { s += Double(xp[i]) }
      let m = s / Double(c)
      var s2 = 0.0
      for i in 0..<c {
        let d = Double(xp[i]) - m
        s2 += d * d
      }
      let r = 1 / (s2 / Double(c) + Double(eps)).squareRoot()
      let mf = Float(m)
      let rf = Float(r)
      mean[row] = mf
      rstd[row] = rf
      for i in 0..<c {
        let n = (xp[i] - mf) * rf
        yp[i] = n * (weight?[i] ?? 1) + (bias?[i] ?? 0)
      }
    }
  }
}

/// Backward: writes dx (when non-nil) and returns per-column (dweight, dbias) partial sums
/// accumulated into `dweight`/`dbias` ([c], zero-initialised by the caller, may be nil).
func layerNormBackward(
  dx: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
  dbias: UnsafeMutablePointer<Float>?, dy: UnsafePointer<Float>, x: UnsafePointer<Float>,
  mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, weight: UnsafePointer<Float>?,
  rows: Int, c: Int
) {
  if let dx {
    parallelRanges(rows, minChunk: max(1, 16_384 / max(1, c))) { range in
      for row in range {
        let xp = x + row &* c
        let gp = dy + row &* c
        let m = mean[row]
        let r = rstd[row]
        var sg = 0.0
        var sgx = 0.0
        for i in 0..<c {
          let dn = Double(gp[i] * (weight?[i] ?? 1))
          sg += dn
          sgx += dn * Double((xp[i] - m) * r)
        }
        let mg = Float(sg / Double(c))
        let mgx = Float(sgx / Double(c))
        let dp = dx + row &* c
        for i in 0..<c {
          let dn = gp[i] * (weight?[i] ?? 1)
          let n = (xp[i] - m) * r
          dp[i] = r * (dn - mg - n * mgx)
        }
      }
    }
  }
  if dweight == nil && dbias == nil { return }
  // Column sums: split columns across cores so writes stay disjoint.
  parallelRanges(c, minChunk: 64) { cols in
    for row in 0..<rows {
      let xp = x + row &* c
      let gp = dy + row &* c
      let m = mean[row]
      let r = rstd[row]
      if let dweight {
        for i in cols { dweight[i] += gp[i] * ((xp[i] - m) * r) }
      }
      if let dbias {
        for i in cols { dbias[i] += gp[i] }
      }
    }
  }
}
