/// An error a user can cause (a shape, a file, a key) with a message that says what to do.
public struct VistaError: Error, CustomStringConvertible, Equatable, Sendable {
  /// What went wrong, naming the op, file, key or shape involved.
  public let message: String

  /// Creates an error with a complete, user-facing message.
  public init(_ message: String) { self.message = message }

  public var description: String { message }

  /// `op: expected …, got [..] and [..]`.
  public static func shapeMismatch(_ op: String, _ a: [Int], _ b: [Int], expected: String = "matching shapes")
    -> VistaError
  {
    VistaError("\(op): expected \(expected), got \(formatShape(a)) and \(formatShape(b))")
  }

  /// `op: expected …, got [..]`.
  public static func badShape(_ op: String, _ shape: [Int], expected: String) -> VistaError {
    VistaError("\(op): expected \(expected), got \(formatShape(shape))")
  }
}

/// Formats a shape the way PyTorch users read it: `[1, 48, 64, 64, 64]`.
public func formatShape(_ shape: [Int]) -> String {
  "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
