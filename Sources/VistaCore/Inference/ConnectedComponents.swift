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
