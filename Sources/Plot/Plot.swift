/// The Plot module: canvas, text, charts and PNG output; takes plain arrays, never tensors.
public enum Plot {
  /// The module's version, printed by `vista --version`.
  public static let version = "0.1.0"
}

/// An error from drawing, text or PNG I/O, with a message written for the user.
public struct PlotError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The full message, e.g. `cannot write PNG 'out/a.png': No such file or directory`.
  public let message: String

  /// Creates an error with `message`.
  public init(_ message: String) { self.message = message }

  /// The message.
  public var description: String { message }
}
