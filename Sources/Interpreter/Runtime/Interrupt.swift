import Synchronization

private let interruptRequested = Atomic<Bool>(false)

/// Ctrl-C handling: a signal handler calls `request()`; the evaluator (and long-running builtins) call
/// `check()` at safe points (each statement, each loop iteration, each training step).
public enum Interrupt {
  /// Marks an interrupt as requested (async-signal-safe: one atomic store).
  public static func request() { interruptRequested.store(true, ordering: .relaxed) }

  /// Whether an interrupt is pending.
  public static var isRequested: Bool { interruptRequested.load(ordering: .relaxed) }

  /// Clears a pending interrupt (the REPL does this before each statement).
  public static func clear() { interruptRequested.store(false, ordering: .relaxed) }

  /// Throws `Interrupted` (and clears the flag) when an interrupt is pending.
  public static func check() throws {
    if interruptRequested.exchange(false, ordering: .relaxed) { throw Interrupted() }
  }
}

/// Thrown at the next safe point after Ctrl-C.
public struct Interrupted: Error, CustomStringConvertible {
  /// Creates the error.
  public init() {}
  public var description: String { "interrupted" }
}
