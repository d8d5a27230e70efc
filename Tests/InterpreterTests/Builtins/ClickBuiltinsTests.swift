import Foundation
import Testing
import VistaCore

@testable import Interpreter

@Suite struct ClickBuiltinsTests {
  /// A runner with `a` and `b`: two 8×8×8 label volumes (Tensors) of known overlap.
  /// a: class 3 in x 0..<4 (256 voxels); b: class 3 in x 2..<6 (256 voxels, 128 shared).
  static func withMasks() throws -> ScriptRunner {
    var r = try ScriptRunner()
    func mask(_ xs: Range<Int>) throws -> Tensor {
      try Tensor(shape: [8, 8, 8], scalars: (0..<512).map { xs.contains($0 / 64) ? 3 : 0 })
    }
    try NPY.write(try mask(0..<4), to: URL(fileURLWithPath: r.path("a.npy")))
    try NPY.write(try mask(2..<6), to: URL(fileURLWithPath: r.path("b.npy")))
    try r.run("a = load_npy(\"a.npy\")\nb = load_npy(\"b.npy\")")
    return r
  }

  @Test func diceOfKnownOverlap() throws {
    var r = try Self.withMasks()
    defer { r.remove() }
    let out = try r.run(
      """
      print(dice(a, b, class_id=3))
      print(dice(a, a))
      print(dice(a, b, class_id=5))
      print(dice(zeros([8, 8, 8]), b))
      """)
    #expect(out == "0.5\n1.0\nnan\n0.0\n")
  }

  @Test func nextClickGoesDeepInsideTheLargestError() throws {
    var r = try Self.withMasks()
    defer { r.remove() }
    // Before any result: a positive click in the middle of the label (x 2..<6 → centre x 3 or 4).
    let first = try r.run("print(next_click(nil, b))")
    #expect(first.contains("'label': 1") || first.contains("\"label\": 1"), "\(first)")
    #expect(first.contains("'voxels': 256") || first.contains("\"voxels\": 256"), "\(first)")
    let p = try r.run(#"c = next_click(nil, b)["point"]"# + "\nprint(c[0] >= 2 and c[0] < 6, c[1] >= 2 and c[1] < 6)")
    #expect(p == "true true\n")
    // Prediction a vs label b: leak at x 0..<2, miss at x 4..<6 (equal size; auto keeps the first = miss).
    let neg = try r.run(#"n = next_click(a, b, kind="negative")"# + "\nprint(n[\"label\"], n[\"point\"][0] < 2)")
    #expect(neg == "0 true\n")
    let pos = try r.run(#"q = next_click(a, b, kind="positive")"# + "\nprint(q[\"label\"], q[\"point\"][0] >= 4)")
    #expect(pos == "1 true\n")
    #expect(try r.run("print(next_click(b, b))") == "nil\n")
    let bad = try #require(try r.error(#"next_click(a, b, kind="negativ")"#))
    #expect(bad.help == "did you mean 'negative'?")
  }

  @Test func deepestVoxelIsTheCentreOfABlock() throws {
    var mask = [Bool](repeating: false, count: 9 * 9 * 9)
    for x in 1..<8 { for y in 1..<8 { for z in 1..<8 { mask[(x * 9 + y) * 9 + z] = true } } }
    #expect(try deepestVoxel(mask, shape: [9, 9, 9]) == [4, 4, 4])
  }

  @Test func diceResamplesAPredictionOntoTheLabelGrid() throws {
    var r = try DataBuiltinsTests.withData()
    defer { r.remove() }
    let out = try r.run(
      """
      data.map_labels({1: 3})
      c = data.val[0]
      pipe = transforms("tutorial-val")
      pre = pipe(c)
      print(dice(c.label, c, class_id=3))
      print(dice(pre.label, c, class_id=3) > 0.6)
      """)
    #expect(out == "1.0\ntrue\n")
    let e = try #require(try r.error("dice(zeros([2, 2, 2]), data.val[0])"))
    #expect(e.message.contains("does not match"))
  }

  @Test func clicksOnlySegmentationTakesALabelId() throws {
    var r = try DataBuiltinsTests.withData()
    defer { r.remove() }
    let out = try r.run(
      """
      m = vista3d("tiny", seed=1)
      c = data.val[0]
      s1 = m.segment(c, points=[[8, 8, 8]], point_labels=[1])
      s3 = m.segment(c, points=[[8, 8, 8]], point_labels=[1], label_id=3)
      print(s1.array.max() <= 1, s3.array.max() == 3 * s1.array.max())
      """)
    #expect(out == "true true\n")
  }
}
