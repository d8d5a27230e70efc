import Dispatch
import Foundation

/// Hands a non-Sendable value across the fork/join boundary of `parallelFor`.
///
/// Safe: `parallelFor` joins before returning, and every caller writes disjoint regions per index.
struct UncheckedSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// Worker threads used by our own parallel loops (OpenBLAS has its own pool).
public let parallelWorkers = max(1, ProcessInfo.processInfo.activeProcessorCount)

/// Runs `body(i)` for `i in 0..<count` across the cores and returns when all are done.
///
/// Each index must touch memory no other index writes. With `count == 1` it runs inline.
public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
  if count <= 0 { return }
  if count == 1 || parallelWorkers == 1 {
    for i in 0..<count { body(i) }
    return
  }
  withoutActuallyEscaping(body) { escaping in
    let box = UncheckedSendable(escaping)
    DispatchQueue.concurrentPerform(iterations: count) { i in box.value(i) }
  }
}

/// Splits `0..<total` into about one contiguous range per worker (at least `minChunk` long) and
/// runs `body(range)` on each in parallel.
public func parallelRanges(_ total: Int, minChunk: Int = 4096, _ body: (Range<Int>) -> Void) {
  if total <= 0 { return }
  let chunks = max(1, min(parallelWorkers, total / max(1, minChunk)))
  if chunks == 1 {
    body(0..<total)
    return
  }
  let step = (total + chunks - 1) / chunks
  parallelFor(chunks) { c in
    let lo = c * step
    let hi = min(total, lo + step)
    if lo < hi { body(lo..<hi) }
  }
}
