import Foundation
import Testing
import VistaCore

@testable import Interpreter

@Suite struct ModelBuiltinsTests {
  @Test func buildsPrintsAndCountsParameters() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    let out = try r.run(
      """
      model = vista3d("tiny", seed=1)
      print(model)
      print(model.params)
      print(model.config)
      """)
    let expected = VISTA3D(.tiny, seed: 1)
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines == [expected.summary, "\(expected.parameterCount)", "tiny"])
  }

  @Test func architectureParametersChangeTheNetwork() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    let out = try r.run(#"print(vista3d("tiny", init_filters=4, blocks=[1, 1]).params)"#)
    var c = VISTA3DConfig.tiny
    c.initFilters = 4
    c.blocksDown = [1, 1]
    #expect(out == "\(VISTA3D(c, seed: 0).parameterCount)\n")
  }

  @Test func summaryTableSumsToTheTotal() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    let out = try r.run(#"vista3d("tiny").summary()"#)
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines.count > 4)
    let counts = lines.dropFirst(2).dropLast().compactMap { l in
      Int(l.split(separator: " ").last!.replacingOccurrences(of: ",", with: ""))
    }
    let total = Int(lines.last!.split(separator: " ").last!.replacingOccurrences(of: ",", with: ""))
    #expect(counts.reduce(0, +) == total)
    #expect(total == VISTA3D(.tiny).parameterCount)
  }

  @Test func saveAndLoadRoundTrip() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    let out = try r.run(
      """
      a = vista3d("tiny", seed=3)
      a.save("w.pt")
      b = vista3d("tiny", checkpoint="w.pt")
      x = rand([1, 1, 16, 16, 16], seed=2)
      la = a.forward(x, classes=[3])
      lb = b.forward(x, classes=[3])
      print(la.shape)
      print((la - lb).max(), (lb - la).max())
      """)
    #expect(out == "[1, 1, 16, 16, 16]\n0.0 0.0\n")
  }

  @Test func forwardWithPointsAndPerPromptLists() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    let out = try r.run(
      """
      m = vista3d("tiny", seed=1)
      x = rand([1, 1, 16, 16, 16], seed=2)
      print(m.forward(x, points=[[4, 5, 6], [8, 8, 8]], point_labels=[1, 0]).shape)
      print(m.forward(x, classes=[3, 6], points=[[[4, 5, 6]], [[8, 8, 8], [2, 2, 2]]], point_labels=[[1], [1, 0]]).shape)
      """)
    #expect(out == "[1, 1, 16, 16, 16]\n[2, 1, 16, 16, 16]\n")
  }

  @Test func segmentTensorGivesClassIds() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    let out = try r.run(
      """
      m = vista3d("tiny", seed=1)
      x = rand([1, 16, 16, 16], seed=2)
      s = m.segment(x, classes=[3])
      print(s.shape)
      ok = true
      for v in s.tolist() { if v != 0 and v != 3 { ok = false } }
      print(ok)
      """)
    #expect(out == "[16, 16, 16]\ntrue\n")
  }

  @Test func segmentWithPointsOnAVolume() throws {
    var r = try DataBuiltinsTests.withData()
    defer { r.remove() }
    let out = try r.run(
      """
      m = vista3d("tiny", seed=1)
      c = data.val[0]
      s = m.segment(c, points=[[8, 8, 8], [2, 2, 2]], point_labels=[1, 0], classes=[3])
      print(s.shape == c.image.shape, s.affine == c.image.affine, s.dtype)
      ok = true
      for v in s.array.tolist() { if v != 0 and v != 3 { ok = false } }
      print(ok)
      """)
    #expect(out == "true true uint8\ntrue\n")
  }

  @Test func labels() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    #expect(try r.run(#"print(class_id("spleen"), class_name(3))"#) == "3 spleen\n")
    let e = try #require(try r.error(#"class_id("splen")"#))
    #expect(e.message.contains("unknown VISTA3D class 'splen'"))
  }

  @Test func errorsNameTheProblem() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    let missing = try #require(try r.error(#"vista3d(checkpoint="nope.pt")"#))
    #expect(missing.message.contains("nope.pt"))
    let config = try #require(try r.error(#"vista3d("tinyy")"#))
    #expect(config.message.contains("unknown config"))
    #expect(config.help == "did you mean 'tiny'?")
    let kw = try #require(try r.error(#"vista3d("tiny", sed=1)"#))
    #expect(kw.message.contains("unknown keyword argument 'sed'"))
    #expect((kw.help ?? "").contains("seed"))
    let pts = try #require(
      try r.error(
        #"vista3d("tiny").forward(rand([1, 1, 16, 16, 16]), points=[[1, 2, 3]], point_labels=[1, 0])"#))
    #expect(pts.message.contains("point_labels"))
  }
}
