/// "Did you mean" suggestions by edit distance.
public enum Suggestions {
  /// The closest candidate to `name`, if one is close enough to be a plausible typo.
  public static func closest(to name: String, in candidates: [String]) -> String? {
    guard name.count > 1 else { return nil }
    let limit = max(1, min(3, name.count / 3 + 1))
    var best: (String, Int)? = nil
    for c in candidates where c != name && c.count > 1 {
      let d = distance(name.lowercased(), c.lowercased())
      if d <= limit, best == nil || d < best!.1 || (d == best!.1 && c < best!.0) { best = (c, d) }
    }
    if best == nil {
      // A prefix or a containment is also a good hint (`learning_rate` vs `lr` is not, `epoch` vs `epochs` is).
      best = candidates.filter {
        $0.count > 2 && (name.hasPrefix($0) || $0.hasPrefix(name)) && name.count > 2
      }
      .map { ($0, 0) }.min { $0.0.count < $1.0.count }
    }
    return best?.0
  }

  /// `did you mean 'x'?` or nil.
  public static func hint(for name: String, in candidates: [String]) -> String? {
    closest(to: name, in: candidates).map { "did you mean '\($0)'?" }
  }

  /// Levenshtein distance with transpositions counted as one edit.
  public static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev2 = [Int](repeating: 0, count: b.count + 1)
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      cur[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          cur[j] = min(cur[j], prev2[j - 2] + 1)
        }
      }
      (prev2, prev, cur) = (prev, cur, prev2)
    }
    return prev[b.count]
  }
}
