import Foundation

/// A tick label, optionally with a superscript exponent (`10` with `-3` for log axes).
public struct TickLabel: Equatable, Sendable {
  /// The main text.
  public var text: String
  /// A raised, smaller suffix (the exponent of `10^k`), if any.
  public var superscript: String?
}

/// Tick placement and labelling: 1-2-5 "nice" steps for linear axes, decades for log axes.
public enum Ticks {
  /// The smallest step of the form {1, 2, 5} × 10^k that covers `span` in at most `maxIntervals`.
  public static func niceStep(span: Double, maxIntervals: Int) -> Double {
    let s = span > 0 && span.isFinite ? span : 1
    let raw = s / Double(max(1, maxIntervals))
    let mag = pow(10, (log10(raw)).rounded(.down))
    for m in [1.0, 2, 5, 10] where m * mag >= raw * (1 - 1e-9) { return m * mag }
    return 10 * mag
  }

  /// Tick values inside [lo, hi] on multiples of a 1-2-5 step, at most `maxIntervals` + 1 of them;
  /// `integer` forces a step of at least 1.
  public static func linear(
    _ lo: Double, _ hi: Double, maxIntervals: Int = 6, integer: Bool = false
  )
    -> [Double]
  {
    guard lo.isFinite, hi.isFinite else { return [] }
    let (a, b) = (min(lo, hi), max(lo, hi))
    var step = niceStep(span: b - a, maxIntervals: maxIntervals)
    if integer { step = max(1, step.rounded()) }
    let k0 = (a / step - 1e-9).rounded(.up)
    let k1 = (b / step + 1e-9).rounded(.down)
    guard k1 >= k0, k1 - k0 < 1000 else { return [] }
    return stride(from: k0, through: k1, by: 1).map { k in
      let v = k * step
      return abs(v) < step * 1e-9 ? 0 : v
    }
  }

  /// Decade ticks 10^k inside [lo, hi] (both > 0); adds 2× and 5× when fewer than 3 decades fit.
  public static func log(_ lo: Double, _ hi: Double) -> [Double] {
    guard lo > 0, hi > 0, lo.isFinite, hi.isFinite else { return [] }
    let (a, b) = (min(lo, hi), max(lo, hi))
    let e0 = Int(log10(a).rounded(.down))
    let e1 = Int(log10(b).rounded(.up))
    let decades = (e0...e1).map { pow(10, Double($0)) }.filter {
      $0 >= a * (1 - 1e-9) && $0 <= b * (1 + 1e-9)
    }
    if decades.count >= 3 { return decades }
    var out: [Double] = []
    for e in e0...e1 {
      for m in [1.0, 2, 5] {
        let v = m * pow(10, Double(e))
        if v >= a * (1 - 1e-9) && v <= b * (1 + 1e-9) { out.append(v) }
      }
    }
    return out
  }

  /// Labels for linear ticks with just enough decimals; very small or large values share a
  /// power-of-ten `offset` shown once by the axis (`1e-4`), as matplotlib does.
  public static func labels(_ ticks: [Double]) -> (labels: [TickLabel], offset: String?) {
    guard ticks.count >= 1 else { return ([], nil) }
    let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : max(abs(ticks[0]), 1)
    let big = ticks.map { abs($0) }.max() ?? 0
    var scale = 1.0
    var offset: String? = nil
    if big > 0 && (big < 1e-3 || big >= 1e5) {
      let e = Int(log10(big).rounded(.down))
      scale = pow(10, Double(e))
      offset = "1e\(e)"
    }
    let s = step / scale
    let decimals = max(0, Int((-log10(s) - 1e-9).rounded(.up)))
    let labels = ticks.map { t -> TickLabel in
      var text = String(format: "%.\(decimals)f", t / scale)
      if text.hasPrefix("-") && Double(text) == 0 { text.removeFirst() }
      return TickLabel(text: text.replacingOccurrences(of: "-", with: "\u{2212}"), superscript: nil)
    }
    return (labels, offset)
  }

  /// Labels for log ticks: `10` with an exponent superscript for decades, plain numbers otherwise.
  public static func logLabels(_ ticks: [Double]) -> [TickLabel] {
    ticks.map { t in
      let e = log10(t)
      if abs(e - e.rounded()) < 1e-9 {
        let k = Int(e.rounded())
        return TickLabel(
          text: "10", superscript: String(k).replacingOccurrences(of: "-", with: "\u{2212}"))
      }
      let mant = t / pow(10, e.rounded(.down))
      return TickLabel(
        text: String(format: "%g", mant) + "e\(Int(e.rounded(.down)))", superscript: nil)
    }
  }
}
