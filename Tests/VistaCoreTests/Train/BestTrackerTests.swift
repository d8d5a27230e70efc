import Testing

@testable import VistaCore

@Suite struct BestTrackerTests {
  @Test func tracksBestAndStopsAfterPatience() {
    var t = BestTracker(minDelta: 0.01, patience: 2)
    var improved: [Bool] = []
    for (epoch, value) in [Double.nan, 0.5, 0.505, 0.7, 0.6, .nan].enumerated() {
      improved.append(t.update(value, epoch: epoch))
      if epoch == 2 { #expect(!t.shouldStop) }
    }
    // NaN never improves; 0.505 is within minDelta of 0.5.
    #expect(improved == [false, true, false, true, false, false])
    #expect(t.best == 0.7)
    #expect(t.bestEpoch == 3)
    #expect(t.shouldStop)
  }

  @Test func withoutPatienceNeverStops() {
    var t = BestTracker()
    for e in 0..<10 { t.update(0.1, epoch: e) }
    #expect(t.bestEpoch == 0)
    #expect(!t.shouldStop)
  }
}
