import TestSupport
import Testing

@testable import VistaCore

private func fixture(_ name: String) throws -> Tensor {
  try NPY.readTensor(Fixtures.golden("train/\(name).npy"))
}

/// The fixture predictor of scripts/dev/golden/train.py: `cat([x + mean(x), x · mean(x)], 1)`,
/// with the mean over the whole batch of windows (so blending and batching both show).
private func meanPredictor(_ x: Tensor) throws -> Tensor {
  let m = Float(x.sum() / Double(x.count))
  let n = x.shape[0]
  let per = x.count / n
  var out: [Float] = []
  for b in 0..<n {
    let slice = x.scalars[b * per..<(b + 1) * per]
    out += slice.map { $0 + m }
    out += slice.map { $0 * m }
  }
  return try Tensor(shape: [n, 2] + Array(x.shape[2...]), scalars: out)
}

@Suite struct SlidingWindowTests {
  /// Mirrors WINDOW_CASES in train.py.
  static let cases: [([Int], [Int], Double)] = [
    ([239, 239, 150], [96, 96, 96], 0.25),
    ([100, 50, 97], [96, 96, 96], 0.25),
    ([30, 41, 17], [16, 16, 16], 0.5),
    ([20, 9, 33], [8, 12, 10], 0.625),
    ([7, 8, 9], [7, 8, 9], 0.25),
  ]

  @Test(arguments: 0..<5) func windowStartsMatchMonai(_ i: Int) throws {
    let (image, roi, overlap) = Self.cases[i]
    let size = zip(image, roi).map { max($0, $1) }
    let interval = slidingWindowScanInterval(imageSize: size, roi: roi, overlap: [overlap, overlap, overlap])
    let starts = slidingWindowStarts(imageSize: size, roi: roi, interval: interval)
    let expected = try NPY.readIntTensor(Fixtures.golden("train/window_\(i)_starts.npy"))
    #expect([starts.count, 3] == expected.shape)
    #expect(starts.flatMap { $0 }.map { Int32($0) } == expected.scalars)
  }

  @Test func tutorialGridIsEighteenWindows() {
    let interval = slidingWindowScanInterval(
      imageSize: [239, 239, 150], roi: [96, 96, 96], overlap: [0.25, 0.25, 0.25])
    #expect(interval == [72, 72, 72])
    #expect(
      slidingWindowStarts(imageSize: [239, 239, 150], roi: [96, 96, 96], interval: interval).count == 18)
  }

  @Test func importanceMapsMatchMonai() throws {
    expectClose(
      try importanceMap(roi: [7, 8, 9], mode: .gaussian), try fixture("importance_gaussian"),
      rtol: 1e-6, atol: 1e-7, "gaussian")
    expectClose(
      try importanceMap(roi: [6, 5, 4], mode: .gaussian, sigmaScale: [0.5, 1.0, 0.25]),
      try fixture("importance_gaussian_wide"), rtol: 1e-6, atol: 1e-7, "gaussian wide")
    #expect(try importanceMap(roi: [2, 3, 1], mode: .constant).scalars == [Float](repeating: 1, count: 6))
  }

  @Test(arguments: [
    ("sw_gauss", [6, 6, 6], 0.5, BlendMode.gaussian, PaddingMode.constant, 3),
    ("sw_const_pad", [8, 6, 10], 0.25, .constant, .constant, 1),
    ("sw_gauss_replicate", [8, 6, 10], 0.4, .gaussian, .replicate, 2),
  ])
  func blendedOutputMatchesMonai(
    _ name: String, _ roi: [Int], _ overlap: Double, _ mode: BlendMode, _ padding: PaddingMode, _ sw: Int
  ) throws {
    let image = try fixture("\(name)_input")
    let options = SlidingWindowOptions(
      roi: roi, overlap: [overlap], swBatchSize: sw, mode: mode, paddingMode: padding)
    var calls = 0
    let out = try slidingWindowInference(
      image, options: options,
      progress: { done, total in
        calls += 1
        #expect(done <= total)
      }, predictor: meanPredictor)
    #expect(calls > 0)
    expectRelativeClose(out, try fixture("\(name)_output"), tol: 1e-5, name)
  }

  @Test(arguments: [BlendMode.constant, .gaussian])
  func identityPredictorReconstructsTheImage(_ mode: BlendMode) throws {
    var rng = RandomGenerator(seed: 5)
    let image = Tensor.normal([2, 2, 9, 5, 11], using: &rng)
    var seen: [[Int]] = []
    let options = SlidingWindowOptions(
      roi: [4, 8, 6], overlap: [0.5, 0.25, 0.3], swBatchSize: 4, mode: mode)
    let out = try slidingWindowInference(image, options: options) { patch, starts in
      seen += starts
      return patch
    }
    expectClose(out, image, rtol: 1e-5, atol: 1e-6, "identity")
    #expect(seen.count % 2 == 0)
    #expect(seen.allSatisfy { $0[1] >= 0 && $0[1] + 8 <= 8 })  // axis 1 padded from 5 to 8: one start
  }

  @Test func rejectsBadInputsAndOutputs() throws {
    let image = Tensor(zeros: [1, 1, 4, 4, 4])
    let options = SlidingWindowOptions(roi: [2, 2, 2])
    #expect(throws: VistaError.self) {
      try slidingWindowInference(Tensor(zeros: [1, 4, 4, 4]), options: options) { $0 }
    }
    #expect(throws: VistaError.self) {
      try slidingWindowInference(image, options: SlidingWindowOptions(roi: [2, 2, 2], overlap: [1])) { $0 }
    }
    #expect(throws: VistaError.self) {
      try slidingWindowInference(image, options: options) { try $0.reshaped([1, 1, 2, 4]) }
    }
  }
}
