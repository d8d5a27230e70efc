/// A position in a source text: 1-based line and column (in Unicode scalars) plus a 0-based offset.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  /// 1-based line number.
  public var line: Int
  /// 1-based column, counted in Unicode scalars.
  public var column: Int
  /// 0-based offset in Unicode scalars from the start of the text.
  public var offset: Int

  /// Creates a location.
  public init(line: Int, column: Int, offset: Int) {
    self.line = line
    self.column = column
    self.offset = offset
  }

  /// The start of a text.
  public static let start = SourceLocation(line: 1, column: 1, offset: 0)

  public var description: String { "\(line):\(column)" }
}

/// A half-open range `[start, end)` of source text; every token and AST node carries one.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
  /// The first scalar of the range.
  public var start: SourceLocation
  /// One past the last scalar of the range.
  public var end: SourceLocation

  /// Creates a range.
  public init(_ start: SourceLocation, _ end: SourceLocation) {
    self.start = start
    self.end = end
  }

  /// The range covering both `self` and `other`.
  public func to(_ other: SourceRange) -> SourceRange { SourceRange(start, other.end) }

  public var description: String { "\(start)-\(end)" }
}

/// A named source text (a script file, `<stdin>` or `In[3]`), kept so diagnostics can quote lines.
public final class SourceFile: Sendable {
  /// The name shown in diagnostics (`exp.vs`, `<stdin>`).
  public let name: String
  /// The full text.
  public let text: String
  /// The text split into lines (without terminators).
  public let lines: [String]

  /// Creates a source file from its name and text.
  public init(name: String, text: String) {
    self.name = name
    self.text = text
    self.lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
    }
  }

  /// The text of 1-based line `n`, or nil when out of range.
  public func line(_ n: Int) -> String? { n >= 1 && n <= lines.count ? lines[n - 1] : nil }
}
