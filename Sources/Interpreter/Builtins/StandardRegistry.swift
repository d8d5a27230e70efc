extension BuiltinRegistry {
  /// Every builtin the shell ships with. A new binding adds one `installX()` line here.
  public static func standard() -> BuiltinRegistry {
    var r = BuiltinRegistry()
    r.installCore()
    r.installMath()
    r.installCollections()
    r.installStrings()
    r.installFiles()
    r.installHelp()
    r.installTensors()
    r.installModel()
    r.installData()
    r.installTrain()
    r.installPlot()
    r.installClicks()
    return r
  }
}

extension Interpreter {
  /// An interpreter with the standard builtins.
  public convenience init() { self.init(registry: .standard()) }
}
