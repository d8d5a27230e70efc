/// Port of MONAI's `sample_points_from_label` (clicks for point-prompt validation) with its
/// morphology helpers `erode` and `get_largest_connected_component_mask`.

/// Clicks for each class of `labelSet`, MONAI's `sample_points_from_label`.
///
/// labels: `[1, 1, H, W, D]`. For a class present in the patch, positives come from the largest
/// 26-connected component of the class mask eroded by a 3×3×3 cube (the whole mask when erosion
/// leaves nothing): `maxPositive` of them, either those nearest the component's centroid
/// (`useCenter`, ties in raster order) or a random subset; then `maxNegative` random voxels outside
/// the class (with replacement), then `[0, 0, 0]` padding labelled −1. Absent classes get only
/// padding. Returns points `[B, N, 3]` (voxel indices) and labels `[B, N]` (1, 0, −1), B = labelSet.count.
public func samplePointsFromLabel(
  labels: IntTensor, labelSet: [Int], maxPositive: Int = 1, maxNegative: Int = 0, useCenter: Bool = false,
  using rng: inout RandomGenerator
) throws -> (point: Tensor, pointLabel: IntTensor) {
  guard labels.rank == 5, labels.shape[0] == 1, labels.shape[1] == 1 else {
    throw VistaError.badShape("samplePointsFromLabel", labels.shape, expected: "labels [1, 1, H, W, D]")
  }
  guard maxPositive >= 0, maxNegative >= 0, maxPositive + maxNegative > 0 else {
    throw VistaError("samplePointsFromLabel: need maxPositive, maxNegative ≥ 0 and at least one click")
  }
  let spatial = Array(labels.shape[2...])
  let total = spatial.elementCount
  let n = maxPositive + maxNegative
  let present = Set(labels.scalars.map { Int($0) })
  func coordinates(_ flat: Int) -> [Float] {
    [
      Float(flat / (spatial[1] * spatial[2])), Float((flat / spatial[2]) % spatial[1]),
      Float(flat % spatial[2]),
    ]
  }
  var points: [Float] = []
  var pointLabels: [Int32] = []
  for id in labelSet {
    guard present.contains(id) else {
      points += [Float](repeating: 0, count: 3 * n)
      pointLabels += [Int32](repeating: -1, count: n)
      continue
    }
    let mask = labels.scalars.map { Int($0) == id }
    let core = try largestConnectedComponent(erode(mask, shape: spatial), shape: spatial)
    var inside = core.indices.filter { core[$0] }
    if inside.isEmpty { inside = mask.indices.filter { mask[$0] } }
    let outside = total - mask.lazy.filter { $0 }.count
    let numPos = min(inside.count, maxPositive)
    let numNeg = min(outside, maxNegative)
    var order: [Int]
    if useCenter {
      let coords = inside.map(coordinates)
      let mean = (0..<3).map { a in coords.reduce(Float(0)) { $0 + $1[a] } / Float(coords.count) }
      let distance = coords.map { c in
        (0..<3).reduce(Float(0)) { $0 + (c[$1] - mean[$1]) * (c[$1] - mean[$1]) }
      }
      order = inside.indices.sorted {
        distance[$0] < distance[$1] || (distance[$0] == distance[$1] && $0 < $1)
      }
    } else {
      order = Array(inside.indices)
      order.shuffle(using: &rng)
    }
    for i in 0..<numPos { points += coordinates(inside[order[i]]) }
    let negatives = mask.indices.filter { !mask[$0] }
    for _ in 0..<numNeg { points += coordinates(negatives[rng.nextInt(below: negatives.count)]) }
    points += [Float](repeating: 0, count: 3 * (n - numPos - numNeg))
    pointLabels +=
      [Int32](repeating: 1, count: numPos) + [Int32](repeating: 0, count: numNeg)
      + [Int32](repeating: -1, count: n - numPos - numNeg)
  }
  return (
    try Tensor(shape: [labelSet.count, n, 3], scalars: points),
    try IntTensor(shape: [labelSet.count, n], scalars: pointLabels)
  )
}

/// MONAI's `erode` with a 3×3×3 cube and padding 1: a voxel stays set when its whole
/// neighbourhood (outside the volume counts as set) is set. mask: `[D0, D1, D2]` row-major.
public func erode(_ mask: [Bool], shape: [Int]) throws -> [Bool] {
  guard shape.count == 3, shape.elementCount == mask.count else {
    throw VistaError.badShape("erode", shape, expected: "a 3-d shape with \(mask.count) voxels")
  }
  let (n0, n1, n2) = (shape[0], shape[1], shape[2])
  var out = mask
  for i in 0..<n0 {
    for j in 0..<n1 {
      for k in 0..<n2 where mask[(i * n1 + j) * n2 + k] {
        var keep = true
        outer: for a in max(i - 1, 0)...min(i + 1, n0 - 1) {
          for b in max(j - 1, 0)...min(j + 1, n1 - 1) {
            for c in max(k - 1, 0)...min(k + 1, n2 - 1) where !mask[(a * n1 + b) * n2 + c] {
              keep = false
              break outer
            }
          }
        }
        out[(i * n1 + j) * n2 + k] = keep
      }
    }
  }
  return out
}

/// MONAI's `get_largest_connected_component_mask` (one component, 26-connectivity): the largest
/// component of `mask`; among equally large ones the last in raster order (numpy's reversed argsort).
public func largestConnectedComponent(_ mask: [Bool], shape: [Int]) throws -> [Bool] {
  let (labels, count) = try connectedComponents(mask, shape: shape)
  guard count > 1 else { return mask }
  var sizes = [Int](repeating: 0, count: count + 1)
  for l in labels where l > 0 { sizes[Int(l)] += 1 }
  var best = 1
  for l in 1...count where sizes[l] >= sizes[best] { best = l }
  return labels.map { Int($0) == best }
}
