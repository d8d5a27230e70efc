import Foundation

/// 3-D connected components (26-neighbourhood, skimage `label(connectivity=3)`) and MONAI's
/// `keep_components_with_positive_points` post-processing for click prompts.

/// Labels the 26-connected components of `mask` (`[D0, D1, D2]`, row-major): 0 = background,
/// 1…count in raster order of each component's first voxel (skimage's numbering).
public func connectedComponents(_ mask: [Bool], shape: [Int]) throws -> (labels: [Int32], count: Int) {
  guard shape.count == 3, shape.elementCount == mask.count else {
    throw VistaError.badShape("connectedComponents", shape, expected: "a 3-d shape with \(mask.count) voxels")
  }
  let (n0, n1, n2) = (shape[0], shape[1], shape[2])
  var parent = [Int32](repeating: -1, count: mask.count)
  func find(_ x: Int32) -> Int32 {
    var r = x
    while parent[Int(r)] != r { r = parent[Int(r)] }
    var y = x
    while parent[Int(y)] != r {
      let next = parent[Int(y)]
      parent[Int(y)] = r
      y = next
    }
    return r
  }
  // The 13 neighbours already visited in raster order.
  var offsets: [(Int, Int, Int)] = []
  for a in -1...1 {
    for b in -1...1 {
      for c in -1...1 where (a, b, c) < (0, 0, 0) { offsets.append((a, b, c)) }
    }
  }
  for i in 0..<n0 {
    for j in 0..<n1 {
      for k in 0..<n2 {
        let v = (i * n1 + j) * n2 + k
        guard mask[v] else { continue }
        parent[v] = Int32(v)
        for (a, b, c) in offsets {
          let (x, y, z) = (i + a, j + b, k + c)
          guard x >= 0, y >= 0, z >= 0, y < n1, z < n2 else { continue }
          let u = (x * n1 + y) * n2 + z
          guard mask[u] else { continue }
          let (ru, rv) = (find(Int32(u)), find(Int32(v)))
          if ru != rv { parent[Int(max(ru, rv))] = min(ru, rv) }
        }
      }
    }
  }
  var labels = [Int32](repeating: 0, count: mask.count)
  var ids: [Int32: Int32] = [:]
  for v in 0..<mask.count where mask[v] {
    let root = find(Int32(v))
    if let id = ids[root] {
      labels[v] = id
    } else {
      let id = Int32(ids.count + 1)
      ids[root] = id
      labels[v] = id
    }
  }
  return (labels, ids.count)
}

/// MONAI's `keep_components_with_positive_points`: per object b with a positive click (label 1 or
/// 3), the components of `logits[b] > 0` that contain a positive click are kept; every other positive
/// voxel is set to the mean of the logits outside the kept components (NaN excluded), which normally
/// makes it negative. Objects without positive clicks are unchanged.
///
/// logits: `[B, D0, D1, D2]` (may hold NaN); points: `[B, N, 3]`; pointLabels: `[B, N]`.
public func keepComponentsWithPositivePoints(
  _ logits: Tensor, points: Tensor, pointLabels: IntTensor
) throws -> Tensor {
  guard logits.rank == 4, points.rank == 3, points.shape[2] == 3, points.shape[0] == logits.shape[0],
    pointLabels.shape == Array(points.shape.prefix(2))
  else {
    throw VistaError(
      "keepComponentsWithPositivePoints: expected logits [B, D, H, W], points [B, N, 3], labels [B, N]; got "
        + "\(formatShape(logits.shape)), \(formatShape(points.shape)), \(formatShape(pointLabels.shape))")
  }
  let spatial = Array(logits.shape.dropFirst())
  let n = spatial.elementCount
  let clicks = points.shape[1]
  var out = logits
  for b in 0..<logits.shape[0] {
    let labels = (0..<clicks).map { pointLabels.scalars[b * clicks + $0] }
    guard labels.contains(where: { $0 == 1 || $0 == 3 }) else { continue }
    let values = Array(logits.scalars[b * n..<(b + 1) * n])
    let positive = values.map { $0 > 0 }
    let (components, _) = try connectedComponents(positive, shape: spatial)
    var keepIds = Set<Int32>()
    for j in 0..<clicks where labels[j] == 1 || labels[j] == 3 {
      let p = (0..<3).map { Int(points.scalars[(b * clicks + j) * 3 + $0].rounded(.toNearestOrEven)) }
      guard zip(p, spatial).allSatisfy({ $0 >= 0 && $0 < $1 }) else {
        throw VistaError(
          "keepComponentsWithPositivePoints: click \(p) lies outside the volume \(formatShape(spatial))")
      }
      keepIds.insert(components[(p[0] * spatial[1] + p[1]) * spatial[2] + p[2]])
    }
    keepIds.remove(0)
    var sum = 0.0
    var count = 0
    for v in 0..<n where !keepIds.contains(components[v]) && !values[v].isNaN {
      sum += Double(values[v])
      count += 1
    }
    let fill = count == 0 ? Float.nan : Float(sum / Double(count))
    out.withUnsafeMutableBufferPointer { ob in
      for v in 0..<n where positive[v] && !keepIds.contains(components[v]) { ob[b * n + v] = fill }
    }
  }
  return out
}

/// MONAI's `keep_merge_components_with_points` for one object: the union of the components of
/// `positive` picked by clicks labelled 1 or 3 and of `negative` picked by clicks labelled 0 or 2.
/// A click picks the highest-numbered component within `margins − 1` voxels (the first margin,
/// from 0, whose cube around the rounded click touches one); other labels are skipped.
func keepMergeComponentsWithPoints(
  positive: [Bool], negative: [Bool], shape: [Int], clicks: [[Float]], labels: [Int], margins: Int = 3
) throws -> [Bool] {
  let (pos, _) = try connectedComponents(positive, shape: shape)
  let (neg, _) = try connectedComponents(negative, shape: shape)
  var keep = [Bool](repeating: false, count: positive.count)
  for (p, label) in zip(clicks, labels) {
    let features: [Int32]
    switch label {
    case 1, 3: features = pos
    case 0, 2: features = neg
    default: continue
    }
    let c = p.map { Int($0.rounded(.toNearestOrEven)) }
    for margin in 0..<margins {
      let lo = (0..<3).map { max(c[$0] - margin, 0) }
      let hi = (0..<3).map { min(c[$0] + margin + 1, shape[$0]) }
      var best: Int32 = 0
      if (0..<3).allSatisfy({ lo[$0] < hi[$0] }) {
        for x in lo[0]..<hi[0] {
          for y in lo[1]..<hi[1] {
            for z in lo[2]..<hi[2] { best = max(best, features[(x * shape[1] + y) * shape[2] + z]) }
          }
        }
      }
      if best > 0 {
        for v in features.indices where features[v] == best { keep[v] = true }
        break
      }
    }
  }
  return keep
}

/// MONAI's `VISTA3D.connected_components_combine` for one object: how class-prompt logits are
/// edited by clicks when the forward runs in a (sliding or click-centred) window.
///
/// With s = sigmoid(logits) (NaN read as −9999) and the clicked region P = sigmoid(pointLogits) > ½,
/// the voxels to add are P where s ≤ ½ (anywhere in P when a click already lies inside s > 0), the
/// voxels to remove are s > ½ outside P; only their components that hold a matching click change,
/// and there (and at NaN voxels) the point logits replace the class logits. NaN stays NaN, as in
/// MONAI's arithmetic. logits, pointLogits: `[1, 1, X, Y, Z]`; clicks in voxel coordinates.
public func connectedComponentsCombine(
  _ logits: Tensor, _ pointLogits: Tensor, clicks: [[Float]], labels: [Int]
) throws -> Tensor {
  guard logits.rank == 5, logits.shape[0] == 1, logits.shape[1] == 1, pointLogits.shape == logits.shape,
    clicks.count == labels.count, clicks.allSatisfy({ $0.count == 3 })
  else {
    throw VistaError.shapeMismatch(
      "connectedComponentsCombine", logits.shape, pointLogits.shape,
      expected: "logits and point logits [1, 1, X, Y, Z] and one label per click [x, y, z]")
  }
  let shape = Array(logits.shape[2...])
  let a = logits.scalars
  let b = pointLogits.scalars
  func sigmoid(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
  let s = a.map { sigmoid($0.isNaN ? VISTA3D.ninf : $0) }
  let clicked = b.map { sigmoid($0) > 0.5 }
  // A click inside the class result (logit > 0 at its rounded voxel) lets the whole clicked
  // region be added. A click rounding outside the volume counts as outside (MONAI would fail
  // there or wrap a negative index); the inferers only pass clicks strictly inside the window.
  let inside = clicks.contains { p in
    let c = p.map { Int($0.rounded(.toNearestOrEven)) }
    guard zip(c, shape).allSatisfy({ $0 >= 0 && $0 < $1 }) else { return false }
    return a[(c[0] * shape[1] + c[1]) * shape[2] + c[2]] > 0
  }
  let add = s.indices.map { (s[$0] <= 0.5 || inside) && clicked[$0] }
  let remove = s.indices.map { s[$0] > 0.5 && !clicked[$0] }
  let cc = try keepMergeComponentsWithPoints(
    positive: add, negative: remove, shape: shape, clicks: clicks, labels: labels)
  var out = [Float](repeating: 0, count: a.count)
  for v in a.indices {
    let isNaN = a[v].isNaN
    let point = isNaN && clicked[v] && !cc[v] ? -1 : b[v]
    let w: Float = isNaN || cc[v] ? 1 : 0
    out[v] = a[v] * (1 - w) + w * point
  }
  return try Tensor(shape: logits.shape, scalars: out)
}
