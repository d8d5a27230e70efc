/// What comparing a state dict with a model's expected keys found.
public struct MatchReport: Sendable, Equatable, CustomStringConvertible {
  /// Expected keys the state dict lacks.
  public var missing: [String] = []
  /// State-dict keys the model does not have.
  public var unexpected: [String] = []
  /// Keys present on both sides with different shapes.
  public var shapeMismatches: [(key: String, checkpoint: [Int], model: [Int])] = []
  /// Number of keys loaded.
  public var matchedCount = 0

  /// True when everything matched.
  public var isComplete: Bool { missing.isEmpty && unexpected.isEmpty && shapeMismatches.isEmpty }

  /// Multi-line summary; lists are truncated to `limit` names each.
  public func summary(limit: Int = 10) -> String {
    var lines: [String] = []
    func names(_ xs: [String]) -> String {
      xs.prefix(limit).joined(separator: ", ")
        + (xs.count > limit ? ", … and \(xs.count - limit) more" : "")
    }
    if !missing.isEmpty { lines.append("  missing (\(missing.count)): \(names(missing))") }
    if !unexpected.isEmpty {
      lines.append("  unexpected (\(unexpected.count)): \(names(unexpected))")
    }
    if !shapeMismatches.isEmpty {
      let shown = shapeMismatches.prefix(limit).map {
        "\($0.key): checkpoint \(formatShape($0.checkpoint)), model \(formatShape($0.model))"
      }
      let more =
        shapeMismatches.count > limit ? ["… and \(shapeMismatches.count - limit) more"] : []
      lines.append(
        "  shape mismatch (\(shapeMismatches.count)): " + (shown + more).joined(separator: "; "))
    }
    return lines.joined(separator: "\n")
  }

  /// `loaded N keys` plus the summary.
  public var description: String {
    "loaded \(matchedCount) keys" + (isComplete ? "" : "; skipped:\n" + summary())
  }

  public static func == (a: MatchReport, b: MatchReport) -> Bool {
    a.missing == b.missing && a.unexpected == b.unexpected && a.matchedCount == b.matchedCount
      && a.shapeMismatches.map(\.key) == b.shapeMismatches.map(\.key)
      && a.shapeMismatches.map(\.checkpoint) == b.shapeMismatches.map(\.checkpoint)
      && a.shapeMismatches.map(\.model) == b.shapeMismatches.map(\.model)
  }
}

/// Strict (PyTorch `load_state_dict(strict=True)`) and lenient matching of a state dict against
/// the keys and shapes a model expects.
public enum StateDictMatcher {
  /// The entries of `sd` that match `expected` (in `expected` order) and what did not match.
  ///
  /// Strict: any missing key, unexpected key or shape mismatch throws ONE error listing them all
  /// by name (long lists truncated with counts). Lenient: the report says what was skipped.
  public static func match(
    _ sd: StateDict, expected: [(key: String, shape: [Int])], strict: Bool = true
  ) throws
    -> (matched: StateDict, report: MatchReport)
  {
    var report = MatchReport()
    var matched = StateDict(source: sd.source)
    var expectedKeys = Set<String>()
    for (key, shape) in expected {
      expectedKeys.insert(key)
      guard let v = sd[key] else {
        report.missing.append(key)
        continue
      }
      if v.shape != shape {
        report.shapeMismatches.append((key, v.shape, shape))
      } else {
        matched[key] = v
      }
    }
    report.unexpected = sd.keys.filter { !expectedKeys.contains($0) }
    report.matchedCount = matched.count
    if strict && !report.isComplete {
      var parts: [String] = []
      if !report.missing.isEmpty { parts.append(plural(report.missing.count, "missing key")) }
      if !report.unexpected.isEmpty {
        parts.append(plural(report.unexpected.count, "unexpected key"))
      }
      if !report.shapeMismatches.isEmpty {
        parts.append(plural(report.shapeMismatches.count, "shape mismatch", "es"))
      }
      throw VistaError(
        "\(sd.sourceLabel) does not match the model (\(parts.joined(separator: ", "))):\n\(report.summary())\n"
          + "load with strict=false to skip these")
    }
    return (matched, report)
  }

  /// Copies the matching values into `parameters` (by `name`); returns what was skipped.
  ///
  /// Strict: nothing is assigned unless every parameter is present with its shape and the state
  /// dict has no other keys (`extraKeys` lists state-dict keys that are not parameters but still
  /// expected, such as buffers, which the caller loads itself).
  @discardableResult
  public static func load(
    _ sd: StateDict, into parameters: [Parameter], extraKeys: [(key: String, shape: [Int])] = [],
    strict: Bool = true
  ) throws -> MatchReport {
    let expected = parameters.map { (key: $0.name, shape: $0.shape) } + extraKeys
    let (matched, report) = try match(sd, expected: expected, strict: strict)
    for p in parameters {
      if let v = matched[p.name] { p.value = v.tensor }
    }
    return report
  }

  private static func plural(_ n: Int, _ noun: String, _ suffix: String = "s") -> String {
    "\(n) \(noun)\(n == 1 ? "" : suffix)"
  }
}
