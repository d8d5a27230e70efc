import Foundation
import Synchronization

/// Ctrl-C presses since the monitor started (written from the signal handler, lock-free).
private let interruptCount = Atomic<Int>(0)

/// The SIGINT handler: counts presses; the second one exits at once (async-signal-safe calls only).
private func handleInterrupt(_: Int32) {
  let (count, _) = interruptCount.add(1, ordering: .acquiringAndReleasing)
  if count >= 2 {
    let message = "\ninterrupted twice: exiting now\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    _exit(130)
  }
}

/// Turns Ctrl-C (SIGINT) into a request the training loop checks at step boundaries.
///
/// While started, the first Ctrl-C only sets `isRequested` (the loop finishes its step, keeps model,
/// optimizer and history consistent and says where it stopped); a second Ctrl-C before `reset()`
/// exits with status 130. `stop()` restores the default action.
public enum InterruptMonitor {
  /// True once Ctrl-C was pressed since `start()` or `reset()`.
  public static var isRequested: Bool { interruptCount.load(ordering: .acquiring) > 0 }

  /// Starts catching SIGINT (clears any earlier request).
  public static func start() {
    interruptCount.store(0, ordering: .releasing)
    signal(SIGINT, handleInterrupt)
  }

  /// Clears a pending request (after the loop has stopped and reported).
  public static func reset() { interruptCount.store(0, ordering: .releasing) }

  /// Stops catching SIGINT and restores the default action.
  public static func stop() {
    signal(SIGINT, SIG_DFL)
    reset()
  }

  /// Marks a request as if Ctrl-C had been pressed (for tests and a UI's stop button).
  public static func request() { interruptCount.add(1, ordering: .acquiringAndReleasing) }
}
