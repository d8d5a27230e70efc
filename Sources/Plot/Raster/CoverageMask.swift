/// A float coverage buffer (0…1 per pixel) over a pixel box; shapes are rasterised into it and
/// then blended once, so overlapping pieces of one stroke never darken each other.
///
/// values: [height, width] row-major; pixel (x0, y0) is the top-left entry.
struct CoverageMask {
  let x0: Int
  let y0: Int
  let width: Int
  let height: Int
  var values: [Float]

  init(box: PixelBox) {
    x0 = box.x0
    y0 = box.y0
    width = box.width
    height = box.height
    values = [Float](repeating: 0, count: width * height)
  }

  var box: PixelBox { PixelBox(x0: x0, y0: y0, x1: x0 + width, y1: y0 + height) }

  /// Adds a segment of width `lineWidth` from `a` to `b` (max-combined); `roundCaps` false gives
  /// butt caps.
  mutating func addSegment(_ a: Point, _ b: Point, lineWidth: Double, roundCaps: Bool) {
    let hw = max(lineWidth, 1) / 2
    let gain = Float(min(lineWidth, 1))  // hairlines: thinner means fainter
    let seg = Rect(
      x: min(a.x, b.x), y: min(a.y, b.y), width: abs(b.x - a.x), height: abs(b.y - a.y))
    let sb = PixelBox(covering: seg, pad: hw + 1).intersection(box)
    if sb.isEmpty { return }
    let dx = b.x - a.x
    let dy = b.y - a.y
    let len = (dx * dx + dy * dy).squareRoot()
    let ux = len > 0 ? dx / len : 1
    let uy = len > 0 ? dy / len : 0
    let mw = width
    values.withUnsafeMutableBufferPointer { v in
      let vp = v.baseAddress!
      for y in sb.y0..<sb.y1 {
        let py = Double(y) + 0.5 - a.y
        let row = (y &- y0) &* mw &- x0
        for x in sb.x0..<sb.x1 {
          let px = Double(x) + 0.5 - a.x
          let along = px * ux + py * uy
          let perp = abs(px * uy - py * ux)
          var c: Double
          if roundCaps {
            let t = min(max(along, 0), len)
            let ex = px - t * ux
            let ey = py - t * uy
            c = hw + 0.5 - (ex * ex + ey * ey).squareRoot()
          } else {
            c = hw + 0.5 - perp
            c = min(c, along + 0.5, len - along + 0.5)
          }
          if c <= 0 { continue }
          let f = Float(min(c, 1)) * gain
          if f > vp[row &+ x] { vp[row &+ x] = f }
        }
      }
    }
  }

  /// Adds a filled polygon (even-odd rule): exact horizontal coverage, 4 vertical sub-rows per
  /// pixel.
  mutating func addPolygon(_ pts: [Point]) {
    guard pts.count >= 3 else { return }
    let pb = PixelBox(covering: boundingRect(pts), pad: 1).intersection(box)
    if pb.isEmpty { return }
    var row = [Float](repeating: 0, count: pb.width + 2)
    var xs: [Double] = []
    let n = pts.count
    for y in pb.y0..<pb.y1 {
      for i in row.indices { row[i] = 0 }
      var any = false
      for s in 0..<4 {
        let sy = Double(y) + 0.125 + 0.25 * Double(s)
        xs.removeAll(keepingCapacity: true)
        for i in 0..<n {
          let p = pts[i]
          let q = pts[(i + 1) % n]
          if (p.y <= sy) != (q.y <= sy) {
            xs.append(p.x + (sy - p.y) / (q.y - p.y) * (q.x - p.x))
          }
        }
        if xs.count < 2 { continue }
        xs.sort()
        var k = 0
        while k + 1 < xs.count {
          let l = max(xs[k], Double(pb.x0))
          let r = min(xs[k + 1], Double(pb.x1))
          k += 2
          if r <= l { continue }
          any = true
          let il = Int(l.rounded(.down))
          let ir = Int(r.rounded(.down))
          if il == ir {
            row[il - pb.x0] += Float(r - l) * 0.25
          } else {
            row[il - pb.x0] += Float(Double(il + 1) - l) * 0.25
            if il + 1 < ir { for x in (il + 1)..<ir { row[x - pb.x0] += 0.25 } }
            if ir < pb.x1 { row[ir - pb.x0] += Float(r - Double(ir)) * 0.25 }
          }
        }
      }
      if !any { continue }
      let base = (y - y0) * width - x0
      for x in pb.x0..<pb.x1 {
        let c = min(row[x - pb.x0], 1)
        if c > values[base + x] { values[base + x] = c }
      }
    }
  }

  /// Adds a filled disc.
  mutating func addDisc(center: Point, radius: Double) {
    addRing(center: center, radius: radius, lineWidth: nil)
  }

  /// Adds a circle outline of `lineWidth`, or a filled disc when `lineWidth` is nil.
  mutating func addRing(center: Point, radius: Double, lineWidth: Double?) {
    let pad = radius + (lineWidth ?? 0) / 2 + 1
    let cb = PixelBox(covering: Rect(x: center.x, y: center.y, width: 0, height: 0), pad: pad)
      .intersection(box)
    if cb.isEmpty { return }
    for y in cb.y0..<cb.y1 {
      let dy = Double(y) + 0.5 - center.y
      let base = (y - y0) * width - x0
      for x in cb.x0..<cb.x1 {
        let dx = Double(x) + 0.5 - center.x
        let d = (dx * dx + dy * dy).squareRoot()
        let c: Double
        if let lw = lineWidth {
          c = lw / 2 + 0.5 - abs(d - radius)
        } else {
          c = radius + 0.5 - d
        }
        if c <= 0 { continue }
        let f = Float(min(c, 1))
        if f > values[base + x] { values[base + x] = f }
      }
    }
  }
}
