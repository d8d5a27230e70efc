import Foundation
import Synchronization

/// Wall time per op and output shape, for finding where a forward pass spends its time.
///
/// While enabled, every recorded op is charged the time since the previous one (ops run one
/// after another on the calling thread, each on all cores), so the table adds up to the wall time
/// of the pass. Used by `vista-bench model --ops`; off by default, when it costs one atomic load per op.
public enum OpProfile {
  /// One row of the table.
  public struct Row: Sendable {
    /// Op name and output shape, e.g. `conv3d 1x48x64x64x64`.
    public var key: String
    /// Total wall time, milliseconds.
    public var milliseconds: Double
    /// Number of calls.
    public var calls: Int
  }

  private struct State {
    var last: UInt64 = 0
    var rows: [String: Row] = [:]
  }

  private static let enabled = Atomic<Bool>(false)
  private static let state = Mutex(State())

  /// True while ops are being timed.
  public static var isEnabled: Bool { enabled.load(ordering: .relaxed) }

  /// Clears the table and starts timing from now.
  public static func start() {
    state.withLock { $0 = State(last: DispatchTime.now().uptimeNanoseconds) }
    enabled.store(true, ordering: .relaxed)
  }

  /// Stops timing and returns the rows, slowest first.
  public static func stop() -> [Row] {
    enabled.store(false, ordering: .relaxed)
    return state.withLock { $0.rows.values.sorted { $0.milliseconds > $1.milliseconds } }
  }

  /// Charges the time since the previous op to `op` with output `shape`.
  static func mark(_ op: String, shape: [Int]) {
    let now = DispatchTime.now().uptimeNanoseconds
    state.withLock { s in
      let key = op + " " + shape.map(String.init).joined(separator: "x")
      var row = s.rows[key] ?? Row(key: key, milliseconds: 0, calls: 0)
      row.milliseconds += Double(now &- s.last) / 1e6
      row.calls += 1
      s.rows[key] = row
      s.last = now
    }
  }

  /// The rows as an aligned table (at most `limit` lines after the total).
  public static func format(_ rows: [Row], limit: Int = 30) -> String {
    let total = rows.reduce(0) { $0 + $1.milliseconds }
    var lines = [String(format: "  ops: %.1f ms in all", total)]
    for r in rows.prefix(limit) {
      lines.append(String(format: "  %9.1f ms %5.1f%% %4d×  %@", r.milliseconds, 100 * r.milliseconds / max(total, 1e-9), r.calls, r.key as NSString))
    }
    return lines.joined(separator: "\n")
  }
}
