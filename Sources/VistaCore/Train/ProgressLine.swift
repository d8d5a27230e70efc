import Foundation

/// Formats a training progress line: `label  step i/n  s/step  ETA  loss (running mean)`.
///
/// On a terminal each update rewrites the line in place (`\r` … erase to end of line); otherwise
/// every `plainEvery`-th step (and the last) is a plain line ending in `\n`. Times are seconds on
/// any monotonic clock (`ProgressLine.now()`), so tests can pass their own.
public struct ProgressLine: Sendable {
  /// Steps in this pass (an epoch).
  public let total: Int
  /// Text in front, e.g. `epoch 3/10`.
  public var label: String
  /// Rewrite one line in place (terminal) or print plain lines.
  public let interactive: Bool
  /// In plain mode, print every n-th step (and the last one).
  public let plainEvery: Int
  let start: Double
  var lossSum = 0.0
  var lossCount = 0

  /// Starts timing at `start` (default: now).
  public init(
    total: Int, label: String = "", interactive: Bool = ProgressLine.stdoutIsTerminal, plainEvery: Int = 1,
    start: Double = ProgressLine.now()
  ) {
    self.total = max(total, 0)
    self.label = label
    self.interactive = interactive
    self.plainEvery = max(plainEvery, 1)
    self.start = start
  }

  /// True when standard output is a terminal.
  public static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

  /// Seconds on a monotonic clock.
  public static func now() -> Double { ProcessInfo.processInfo.systemUptime }

  /// The running mean of the losses recorded so far (nil before the first).
  public var runningLoss: Double? { lossCount == 0 ? nil : lossSum / Double(lossCount) }

  /// Records that `step` (1-based) finished at `now` with `loss` (non-finite losses are not
  /// averaged) and returns the text to write (empty when plain mode skips this step).
  public mutating func update(step: Int, loss: Float? = nil, now: Double = ProgressLine.now()) -> String {
    if let loss, loss.isFinite {
      lossSum += Double(loss)
      lossCount += 1
    }
    let line = render(step: step, now: now)
    if interactive { return "\r" + line + "\u{1B}[K" + (step >= total ? "\n" : "") }
    return step % plainEvery == 0 || step >= total ? line + "\n" : ""
  }

  /// The line for `step` done at `now`, without control characters.
  public func render(step: Int, now: Double) -> String {
    var parts: [String] = []
    if !label.isEmpty { parts.append(label) }
    parts.append("step \(step)/\(total)")
    let elapsed = max(now - start, 0)
    if step > 0 {
      let perStep = elapsed / Double(step)
      parts.append(String(format: "%.2f s/step", perStep))
      if step < total {
        parts.append("ETA " + formatDuration(perStep * Double(total - step)))
      } else {
        parts.append("took " + formatDuration(elapsed))
      }
    }
    if let loss = runningLoss { parts.append(String(format: "loss %.4f", loss)) }
    return parts.joined(separator: "  ")
  }
}

/// `42s`, `3m05s`, `1h02m`.
public func formatDuration(_ seconds: Double) -> String {
  guard seconds.isFinite else { return "?" }
  let s = Int(seconds.rounded())
  if s < 60 { return "\(s)s" }
  if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
  return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
}
