import Foundation

/// MONAI's CacheDataset: loads every item and runs the pipeline's deterministic prefix once, in memory;
/// `sample` runs only the random rest (crop, relabel) on the cached case.
public final class CacheDataset: @unchecked Sendable {
  /// The items, in order.
  public let items: [DataItem]
  /// The pipeline (cached up to `pipeline.deterministicCount`).
  public let pipeline: Pipeline
  /// Cached cases after the deterministic prefix (one per item).
  public let cached: [Case]

  /// Loads and preprocesses all items; `progress(done, total)` after each.
  public init(items: [DataItem], pipeline: Pipeline, progress: ((Int, Int) -> Void)? = nil) throws {
    self.items = items
    self.pipeline = pipeline
    let prefix = 0..<pipeline.deterministicCount
    var rng = RandomGenerator(seed: 0)
    var out: [Case] = []
    for (n, item) in items.enumerated() {
      let c = try Case(loading: item)
      out.append(contentsOf: try pipeline.run(c, steps: prefix, using: &rng))
      progress?(n + 1, items.count)
    }
    cached = out
  }

  /// Number of cached cases.
  public var count: Int { cached.count }

  /// Memory held by the cache, in bytes.
  public var byteCount: Int { cached.reduce(0) { $0 + $1.byteCount } }

  /// Runs the random suffix of the pipeline on cached case `index`.
  public func sample(_ index: Int, using rng: inout RandomGenerator) throws -> [Case] {
    guard cached.indices.contains(index) else {
      throw VistaError("dataset: index \(index) out of range 0..<\(cached.count)")
    }
    return try pipeline.run(
      cached[index], steps: pipeline.deterministicCount..<pipeline.steps.count, using: &rng)
  }

  /// "8 cases cached, 123.4 MB".
  public var summary: String {
    String(format: "%d cases cached, %.1f MB", count, Double(byteCount) / 1_048_576)
  }
}

/// A background worker that prepares the next samples (random crops) while the caller computes.
///
/// Deterministic: sample n of the order uses a generator seeded from (seed, n), whatever the timing.
/// `next()` returns nil at the end of the order or after `stop()`; errors are rethrown by `next()`.
/// Dropping the prefetcher stops its worker.
public final class Prefetcher: @unchecked Sendable {
  private let state: PrefetchState

  /// Starts producing samples for `order` (dataset indices), keeping up to `depth` ready.
  public init(dataset: CacheDataset, order: [Int], seed: UInt64, depth: Int = 2) {
    state = PrefetchState(dataset: dataset, order: order, seed: seed, depth: max(1, depth))
    let worker = state
    let thread = Thread { worker.work() }
    thread.stackSize = 1 << 22
    thread.start()
  }

  deinit { state.stop() }

  /// The next sample's cases (waits if the worker is behind); nil when the order is exhausted.
  public func next() throws -> [Case]? { try state.next() }

  /// Stops the worker.
  public func stop() { state.stop() }
}

/// The shared state of a Prefetcher and its worker thread, guarded by `cond`.
private final class PrefetchState: @unchecked Sendable {
  let dataset: CacheDataset
  let order: [Int]
  let seed: UInt64
  let depth: Int
  let cond = NSCondition()
  var ready: [Int: Result<[Case], Error>] = [:]
  var produced = 0
  var consumed = 0
  var stopped = false

  init(dataset: CacheDataset, order: [Int], seed: UInt64, depth: Int) {
    (self.dataset, self.order, self.seed, self.depth) = (dataset, order, seed, depth)
  }

  func work() {
    while true {
      cond.lock()
      while !stopped && produced < order.count && produced - consumed >= depth { cond.wait() }
      if stopped || produced >= order.count {
        cond.unlock()
        return
      }
      let n = produced
      cond.unlock()
      var rng = RandomGenerator(seed: seed &+ UInt64(n) &* 0x9E37_79B9_7F4A_7C15)
      let result = Result { try dataset.sample(order[n], using: &rng) }
      cond.lock()
      ready[n] = result
      produced += 1
      cond.broadcast()
      cond.unlock()
    }
  }

  func next() throws -> [Case]? {
    cond.lock()
    defer { cond.unlock() }
    guard !stopped, consumed < order.count else { return nil }
    while ready[consumed] == nil && !stopped { cond.wait() }
    guard !stopped, let r = ready.removeValue(forKey: consumed) else { return nil }
    consumed += 1
    cond.broadcast()
    return try r.get()
  }

  func stop() {
    cond.lock()
    stopped = true
    cond.broadcast()
    cond.unlock()
  }
}
