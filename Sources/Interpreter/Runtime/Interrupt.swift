import Synchronization

/// A Ctrl-C flag: set from a signal handler, checked at safe points.
public final class InterruptFlag: Sendable {
  private let requested = Atomic<Bool>(false)

  /// Creates a cleared flag (tests give each interpreter its own).
  public init() {}

  /// The process-wide flag the shell's SIGINT handler sets.
  public static let shared = InterruptFlag()

  /// Marks an interrupt as requested (async-signal-safe: one atomic store).
  public func request() { requested.store(true, ordering: .relaxed) }

  /// Whether an interrupt is pending.
  public var isRequested: Bool { requested.load(ordering: .relaxed) }

  /// Clears a pending interrupt.
  public func clear() { requested.store(false, ordering: .relaxed) }

  /// Throws `Interrupted` (and clears the flag) when an interrupt is pending.
  public func check() throws {
    if requested.exchange(false, ordering: .relaxed) { throw Interrupted() }
  }
}

/// Ctrl-C handling on the process-wide flag: the SIGINT handler calls `request()`; the evaluator checks
/// its interpreter's flag at every statement and loop iteration. Long-running builtins (a training epoch)
/// call `try args.interpreter.interrupt.check()` between steps, or hand `{ Interrupt.isRequested }` to
/// engine code that cannot import the interpreter.
public enum Interrupt {
  /// Requests an interrupt on the shared flag.
  public static func request() { InterruptFlag.shared.request() }

  /// Whether the shared flag is set.
  public static var isRequested: Bool { InterruptFlag.shared.isRequested }

  /// Clears the shared flag.
  public static func clear() { InterruptFlag.shared.clear() }

  /// Throws `Interrupted` when the shared flag is set.
  public static func check() throws { try InterruptFlag.shared.check() }
}

/// Thrown at the next safe point after Ctrl-C.
public struct Interrupted: Error, CustomStringConvertible {
  /// Creates the error.
  public init() {}
  public var description: String { "interrupted" }
}
