import Testing
@testable import VistaCore

@Suite struct TensorTests {
  @Test func reshapeInfersOneDimensionAndSharesStorage() throws {
    let t = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
    let r = try t.reshaped([4, -1])
    #expect(r.shape == [4, 6])
    #expect(r.scalars == t.scalars)
  }

  @Test func badShapesThrowWithBothShapes() {
    #expect(throws: VistaError.self) { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
    do {
      _ = try Tensor(zeros: [2, 3]).reshaped([4, -1])
      Issue.record("expected an error")
    } catch let e as VistaError {
      #expect(e.message.contains("[2, 3]") && e.message.contains("[4, -1]"))
    } catch { Issue.record("unexpected \(error)") }
  }

  @Test func bfloat16RoundsToNearestEven() throws {
    // 1 + 2^-8 is halfway between two bf16 values: ties to even (1.0).
    let halfway = Float(1) + Float(1) / 256
    #expect(bfloat16ToFloat(floatToBFloat16(halfway)) == 1)
    let above = Float(1) + Float(3) / 512
    #expect(bfloat16ToFloat(floatToBFloat16(above)) == Float(1) + Float(1) / 128)
    let t = Tensor([0.1, -3.5, 65504, 1e-8])
    let back = try Tensor(shape: t.shape, bfloat16Bits: t.bfloat16Bits())
    for (a, b) in zip(back.scalars, t.scalars) { #expect(abs(a - b) <= abs(b) / 128) }
    #expect(floatToBFloat16(.nan) == 0x7FC0)
  }

  @Test func float16RoundTrip() throws {
    let t = Tensor([0.1, -3.5, 65504, 1e-3])
    let back = try Tensor(shape: t.shape, float16Bits: t.float16Bits())
    #expect(back.scalars[1] == -3.5 && back.scalars[2] == 65504)
    #expect(abs(back.scalars[0] - 0.1) < 1e-4)
  }

  @Test func randomGeneratorIsPortableAndSeeded() {
    var a = RandomGenerator(seed: 42)
    var b = RandomGenerator(seed: 42)
    let xs = (0..<5).map { _ in a.next() }
    #expect(xs == (0..<5).map { _ in b.next() })
    // Pinned values: the stream must never change across machines or versions.
    var c = RandomGenerator(seed: 0)
    #expect(c.next() == 11_091_344_671_253_066_420)
    var d = RandomGenerator(seed: 1)
    let n = (0..<10_000).map { _ in Double(d.nextNormal()) }
    let mean = n.reduce(0, +) / 10_000
    let variance = n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 10_000
    #expect(abs(mean) < 0.05 && abs(variance - 1) < 0.05)
  }
}
