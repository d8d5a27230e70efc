/// The Plot module: canvas, text, charts and PNG output (grows with issue 7).
public enum Plot {
  /// The module's version, printed by `vista --version`.
  public static let version = "0.1.0"
}
