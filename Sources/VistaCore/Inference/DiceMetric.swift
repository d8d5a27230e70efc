/// Dice per class for label maps, with MONAI `compute_dice` / `DiceMetric` semantics.
///
/// For class c: `2·|P∩G| / (|P| + |G|)` with P = (prediction == c), G = (label == c), in Float32.
/// When G is empty the score is NaN (MONAI's default `ignore_empty=True`), or with
/// `ignoreEmpty: false` 1 when P is empty too and 0 otherwise. Cases are combined with a NaN-ignoring
/// mean (torch.nanmean).
public enum DiceMetric {
  /// The Dice of each class in `classes` for one case; prediction and label share a shape.
  public static func perClass(
    prediction: IntTensor, label: IntTensor, classes: [Int], ignoreEmpty: Bool = true
  ) throws -> [Float] {
    guard prediction.shape == label.shape else {
      throw VistaError.shapeMismatch(
        "DiceMetric", prediction.shape, label.shape,
        expected: "a prediction and a label of the same shape")
    }
    guard prediction.count > 0 else {
      return classes.map { _ in score(intersection: 0, prediction: 0, label: 0, ignoreEmpty: ignoreEmpty) }
    }
    // Class id → column, as a table over the id range present in the inputs.
    var low = Int32.max
    var high = Int32.min
    for t in [prediction.scalars, label.scalars] {
      for v in t {
        low = min(low, v)
        high = max(high, v)
      }
    }
    if low > high { (low, high) = (0, 0) }
    guard Int(high) - Int(low) < 1 << 24 else {
      throw VistaError("DiceMetric: label ids span \(low)…\(high); expected class ids below 16 M")
    }
    let base = Int(low)
    // Ids not scored go to a sink column (index classes.count), so the loop has no branches.
    var column = [Int](repeating: classes.count, count: Int(high) - base + 1)
    for (k, c) in classes.enumerated().reversed() where c >= base && c <= Int(high) { column[c - base] = k }
    // counts[3k…3k+2] = intersection, |P|, |G| of column k
    var counts = [Int](repeating: 0, count: 3 * (classes.count + 1))
    prediction.scalars.withUnsafeBufferPointer { pb in
      label.scalars.withUnsafeBufferPointer { lb in
        column.withUnsafeBufferPointer { cb in
          counts.withUnsafeMutableBufferPointer { kb in
            let (pp, lp, cp, kp) = (pb.baseAddress!, lb.baseAddress!, cb.baseAddress!, kb.baseAddress!)
            for i in 0..<pb.count {
              let p = pp[i]
              let l = lp[i]
              let a = 3 &* cp[Int(p) &- base]
              kp[a &+ 1] &+= 1
              kp[a] &+= p == l ? 1 : 0
              kp[3 &* cp[Int(l) &- base] &+ 2] &+= 1
            }
          }
        }
      }
    }
    let inter = (0..<classes.count).map { counts[3 * $0] }
    let predCount = (0..<classes.count).map { counts[3 * $0 + 1] }
    let labelCount = (0..<classes.count).map { counts[3 * $0 + 2] }
    return classes.map { c in
      let k = classes.firstIndex(of: c)!  // a repeated class shares its first column
      return score(
        intersection: inter[k], prediction: predCount[k], label: labelCount[k], ignoreEmpty: ignoreEmpty)
    }
  }

  /// The Dice of two binary masks (nonzero = inside); NaN when `label` is empty and `ignoreEmpty`.
  public static func binary(prediction: Tensor, label: Tensor, ignoreEmpty: Bool = true) throws -> Float {
    guard prediction.shape == label.shape else {
      throw VistaError.shapeMismatch(
        "DiceMetric.binary", prediction.shape, label.shape,
        expected: "masks of the same shape")
    }
    var inter = 0
    var p = 0
    var g = 0
    for (a, b) in zip(prediction.scalars, label.scalars) {
      let pa = a != 0
      let lb = b != 0
      if pa { p += 1 }
      if lb { g += 1 }
      if pa && lb { inter += 1 }
    }
    return score(intersection: inter, prediction: p, label: g, ignoreEmpty: ignoreEmpty)
  }

  /// MONAI's `compute_channel` from counts.
  static func score(intersection: Int, prediction: Int, label: Int, ignoreEmpty: Bool) -> Float {
    if label > 0 { return Float(2 * intersection) / Float(label + prediction) }
    if ignoreEmpty { return .nan }
    return label + prediction <= 0 ? 1 : 0
  }

  /// Per column (class), the mean over rows (cases) ignoring NaN; NaN where a column is all NaN.
  public static func nanMean(_ rows: [[Float]]) -> [Float] {
    guard let width = rows.first?.count else { return [] }
    return (0..<width).map { k in
      var s: Float = 0
      var n = 0
      for r in rows where k < r.count && !r[k].isNaN {
        s += r[k]
        n += 1
      }
      return n == 0 ? .nan : s / Float(n)
    }
  }

  /// The mean of the finite entries of `values` (NaN when there are none).
  public static func nanMean(_ values: [Float]) -> Float {
    nanMean(values.map { [$0] })[0]
  }
}
