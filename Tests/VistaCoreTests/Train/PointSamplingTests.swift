import TestSupport
import Testing

@testable import VistaCore

/// [1, 1, 8, 8, 8]: class 2 = a 5³ cube at 1…5 plus a 3³ cube at 5…7 in the far corner region
/// (separate after erosion), class 4 = a single voxel.
private func volume() -> IntTensor {
  var s = [Int32](repeating: 0, count: 512)
  for i in 0..<8 {
    for j in 0..<8 {
      for k in 0..<8 {
        let v = (i * 8 + j) * 8 + k
        if (0..<5).contains(i) && (0..<5).contains(j) && (0..<5).contains(k) { s[v] = 2 }
        if i == 7 && j == 7 && k == 7 { s[v] = 4 }
      }
    }
  }
  return try! IntTensor(shape: [1, 1, 8, 8, 8], scalars: s)
}

@Suite struct PointSamplingTests {
  @Test func positivesComeFromTheErodedCoreAndCenterIsNearest() throws {
    var rng = RandomGenerator(seed: 1)
    let (point, label) = try samplePointsFromLabel(
      labels: volume(), labelSet: [2, 4, 9], maxPositive: 3, maxNegative: 2, useCenter: true, using: &rng)
    #expect(point.shape == [3, 5, 3])
    #expect(label.scalars == [1, 1, 1, 0, 0, 1, 0, 0, -1, -1, -1, -1, -1, -1, -1])
    // Cube 0…4 eroded with padding 1 (the border counts as set) keeps 0…3; its centroid is 1.5,
    // so the nearest voxels are the 8 of {1, 2}³, first in raster order (1,1,1), (1,1,2), (1,2,1).
    #expect(Array(point.scalars[0..<9]) == [1, 1, 1, 1, 1, 2, 1, 2, 1])
    // Negatives lie outside class 2. Class 4 (one voxel) erodes to nothing: the fallback is its mask.
    for j in 3..<5 {
      let p = point.scalars[j * 3..<(j + 1) * 3].map { Int($0) }
      #expect(!(p.allSatisfy { $0 < 5 }))
    }
    #expect(Array(point.scalars[15..<18]) == [7, 7, 7])
    #expect(point.scalars[30...].allSatisfy { $0 == 0 })
  }

  @Test func erodeAndLargestComponent() throws {
    var mask = [Bool](repeating: false, count: 125)  // [5, 5, 5]
    for i in 1..<4 { for j in 1..<4 { for k in 1..<4 { mask[(i * 5 + j) * 5 + k] = true } } }
    let eroded = try erode(mask, shape: [5, 5, 5])
    #expect(eroded.enumerated().filter { $0.element }.map(\.offset) == [(2 * 5 + 2) * 5 + 2])
    #expect(try erode([true, true, true, true, true, true, true, true], shape: [2, 2, 2]).allSatisfy { $0 })
    var two = [Bool](repeating: false, count: 20)  // [1, 1, 20]: lengths 3 and 5
    for k in [0, 1, 2, 10, 11, 12, 13, 14] { two[k] = true }
    #expect(
      try largestConnectedComponent(two, shape: [1, 1, 20]).enumerated().filter { $0.element }.map(\.offset)
        == [10, 11, 12, 13, 14])
  }

  @Test func randomPositivesAreInsideAndSeeded() throws {
    func run(_ seed: UInt64) throws -> Tensor {
      var rng = RandomGenerator(seed: seed)
      return try samplePointsFromLabel(labels: volume(), labelSet: [2], maxPositive: 4, using: &rng).point
    }
    let a = try run(3)
    #expect(a == (try run(3)))
    #expect(a.scalars.allSatisfy { (0...3).contains($0) })  // inside the eroded core 0…3
    #expect(throws: VistaError.self) {
      var rng = RandomGenerator(seed: 0)
      _ = try samplePointsFromLabel(labels: IntTensor(zeros: [1, 8, 8, 8]), labelSet: [2], using: &rng)
    }
  }
}
