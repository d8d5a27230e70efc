import Foundation
import Testing

@testable import Plot

@Suite struct TicksTests {
  @Test(arguments: [
    (0.0, 1.0, 5, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    (0.0, 97.0, 5, [0.0, 20, 40, 60, 80]),
    (-0.13, 0.42, 6, [-0.1, 0.0, 0.1, 0.2, 0.3, 0.4]),
    (3.0, 7.0, 4, [3.0, 4, 5, 6, 7]),
    (0.0, 2500.0, 5, [0.0, 500, 1000, 1500, 2000, 2500]),
  ])
  func linearTicksFollowTheOneTwoFiveRule(lo: Double, hi: Double, n: Int, expected: [Double]) {
    let t = Ticks.linear(lo, hi, maxIntervals: n)
    #expect(t.count == expected.count)
    for (a, b) in zip(t, expected) { #expect(abs(a - b) < 1e-9) }
  }

  @Test func stepsAreOneTwoOrFiveTimesAPowerOfTen() {
    for span in [0.003, 0.7, 1.3, 42.0, 999.0, 12345.0] {
      let s = Ticks.niceStep(span: span, maxIntervals: 6)
      let m = s / pow(10, log10(s).rounded(.down))
      #expect([1.0, 2, 5].contains { abs($0 - m) < 1e-9 }, "step \(s) for span \(span)")
      #expect(span / s <= 6 + 1e-9)
    }
  }

  @Test func integerTicksNeverSplitEpochs() {
    let t = Ticks.linear(0, 3, maxIntervals: 10, integer: true)
    #expect(t == [0, 1, 2, 3])
  }

  @Test func logTicksAreDecadesOrOneTwoFive() {
    #expect(Ticks.log(1e-5, 1e-1) == [1e-5, 1e-4, 1e-3, 1e-2, 1e-1].map { $0 })
    let few = Ticks.log(0.15, 3)
    #expect(few.count == 4)  // 0.2, 0.5, 1, 2
    #expect(few.first.map { abs($0 - 0.2) < 1e-12 } == true)
    #expect(Ticks.logLabels([1e-3]) == [TickLabel(text: "10", superscript: "\u{2212}3")])
  }

  @Test func labelsUseJustEnoughDecimalsAndAnOffsetForTinyValues() {
    #expect(Ticks.labels([0, 0.5, 1]).labels.map(\.text) == ["0.0", "0.5", "1.0"])
    #expect(Ticks.labels([0, 20, 40]).labels.map(\.text) == ["0", "20", "40"])
    #expect(Ticks.labels([-0.1, 0]).labels.map(\.text) == ["\u{2212}0.1", "0.0"])
    let lr = Ticks.labels([0, 5e-5, 1e-4])
    #expect(lr.offset == "1e-4")
    #expect(lr.labels.map(\.text) == ["0.0", "0.5", "1.0"])
  }
}
