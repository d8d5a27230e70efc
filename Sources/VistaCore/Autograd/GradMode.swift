/// Whether ops record the graph. Off inside `withNoGrad` (inference): nothing is saved for backward.
public enum GradMode {
  /// True while ops record; task-local, so concurrent tasks do not interfere.
  @TaskLocal public static var isEnabled = true

  /// Runs `body` with recording off (PyTorch's `torch.no_grad()`).
  public static func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    try $isEnabled.withValue(false, operation: body)
  }
}
