import TestSupport
import Testing

@testable import VistaCore

/// Flood fill (BFS) over the 26-neighbourhood: an independent reference labelling.
private func floodFill(_ mask: [Bool], _ s: [Int]) -> [Int32] {
  var labels = [Int32](repeating: 0, count: mask.count)
  var next: Int32 = 0
  for start in mask.indices where mask[start] && labels[start] == 0 {
    next += 1
    labels[start] = next
    var queue = [start]
    while let v = queue.popLast() {
      let (i, j, k) = (v / (s[1] * s[2]), (v / s[2]) % s[1], v % s[2])
      for a in -1...1 {
        for b in -1...1 {
          for c in -1...1 {
            let (x, y, z) = (i + a, j + b, k + c)
            guard x >= 0, y >= 0, z >= 0, x < s[0], y < s[1], z < s[2] else { continue }
            let u = (x * s[1] + y) * s[2] + z
            if mask[u] && labels[u] == 0 {
              labels[u] = next
              queue.append(u)
            }
          }
        }
      }
    }
  }
  return labels
}

@Suite struct ConnectedComponentsTests {
  @Test(arguments: [0.2, 0.35, 0.5]) func matchesFloodFillOnRandomMasks(_ density: Double) throws {
    var rng = RandomGenerator(seed: UInt64(density * 100))
    let shape = [7, 6, 9]
    let mask = (0..<shape.elementCount).map { _ in rng.nextDouble() < density }
    let (labels, count) = try connectedComponents(mask, shape: shape)
    let reference = floodFill(mask, shape)
    #expect(labels == reference)  // same partition and the same raster-order numbering
    #expect(count == Int(reference.max() ?? 0))
  }

  @Test func diagonalNeighboursAreConnected() throws {
    var mask = [Bool](repeating: false, count: 36)  // [3, 3, 4]
    mask[0] = true  // (0,0,0)
    mask[17] = true  // (1,1,1): corner-adjacent to both ends
    mask[34] = true  // (2,2,2)
    mask[3] = true  // (0,0,3): two voxels from (1,1,1) along the last axis
    let (labels, count) = try connectedComponents(mask, shape: [3, 3, 4])
    #expect(count == 2)
    #expect(labels[0] == 1 && labels[17] == 1 && labels[34] == 1 && labels[3] == 2)
    #expect(throws: VistaError.self) { try connectedComponents(mask, shape: [3, 3]) }
  }

  @Test func keepsOnlyComponentsWithPositiveClicks() throws {
    // One object, 1×4×8: blob A at w 0…1, blob B at w 5…6, background −2 elsewhere.
    var values = [Float](repeating: -2, count: 32)
    for h in 0..<4 {
      for w in [0, 1] { values[h * 8 + w] = 3 }
      for w in [5, 6] { values[h * 8 + w] = 1 }
    }
    values[7] = .nan
    let logits = try Tensor(shape: [1, 1, 4, 8], scalars: values)
    let points = try Tensor(shape: [1, 2, 3], scalars: [0, 2, 5, 0, 0, 0])
    let labels = try IntTensor(shape: [1, 2], scalars: [1, -1])
    let kept = try keepComponentsWithPositivePoints(logits, points: points, pointLabels: labels)
    // Fill value: mean of the non-NaN logits outside blob B = (8·3 + 15·(−2)) / 23.
    let fill = Float((8.0 * 3 + 15 * -2) / 23)
    for h in 0..<4 {
      #expect(kept.scalars[h * 8 + 5] == 1 && kept.scalars[h * 8 + 0] == fill)
    }
    #expect(kept.scalars[7].isNaN)
    let seg = try vistaPostProcess(logits, points: points, pointLabels: labels)
    #expect(
      seg.scalars.enumerated().filter { $0.element == 1 }.map { $0.offset % 8 }.allSatisfy {
        $0 == 5 || $0 == 6
      })
    // Without a positive click nothing changes.
    let negOnly = try IntTensor(shape: [1, 2], scalars: [0, -1])
    #expect(
      try keepComponentsWithPositivePoints(logits, points: points, pointLabels: negOnly).scalars
        .elementsEqual(
          logits.scalars, by: { $0 == $1 || ($0.isNaN && $1.isNaN) }))
  }
}
