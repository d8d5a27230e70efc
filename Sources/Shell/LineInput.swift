import Foundation

/// What reading one line produced.
enum LineRead: Equatable {
  /// A line without its terminator.
  case line(String)
  /// End of input (Ctrl-D or end of the pipe).
  case eof
  /// Ctrl-C at the prompt.
  case interrupted
}

/// A source of input lines: libedit at a terminal, plain stdin in a pipe, an array in tests.
protocol LineInput: AnyObject {
  /// Shows `prompt` (when interactive) and reads one line.
  func readLine(prompt: String) -> LineRead
  /// Records a line in the history (and persists it, for the libedit input).
  func addHistory(_ line: String)
}

/// Lines from a pipe or file on stdin: no prompt, no history, no editing.
final class StdinLineInput: LineInput {
  func readLine(prompt: String) -> LineRead {
    guard let line = Swift.readLine(strippingNewline: true) else { return .eof }
    return .line(line)
  }

  func addHistory(_ line: String) {}
}

/// Scripted input for tests; records the prompts it was shown and the history it was given.
final class MemoryLineInput: LineInput {
  private var pending: [LineRead]
  /// Prompts shown, in order.
  private(set) var prompts: [String] = []
  /// History entries added, in order.
  private(set) var history: [String] = []
  /// Runs before each read (tests use it to simulate Ctrl-C during a statement).
  var beforeRead: ((Int) -> Void)?

  init(_ items: [LineRead]) { pending = items }

  /// Convenience: plain lines.
  convenience init(lines: [String]) { self.init(lines.map { .line($0) }) }

  func readLine(prompt: String) -> LineRead {
    beforeRead?(prompts.count)
    prompts.append(prompt)
    return pending.isEmpty ? .eof : pending.removeFirst()
  }

  func addHistory(_ line: String) { history.append(line) }
}
