import Foundation

extension Trainer {
  /// Sliding-window validation as the tutorial: every validation case (preprocessed, whole volume)
  /// through the model with class prompts for the label set's foreground classes, VISTA
  /// post-processing (logit > 0, argmax mapped to class ids), Dice per class (NaN when the ground
  /// truth is empty), nanmean over cases.
  ///
  /// `roi` defaults to the training patch; `overlap` to the options' (0.25).
  public func validate(overlap: Double? = nil, roi: [Int]? = nil) throws -> ValidationResult {
    guard let data = valData else { throw VistaError("validate: this trainer has no validation cases") }
    let classes = options.foregroundClasses
    guard !classes.isEmpty else {
      throw VistaError("validate: label_set \(options.labelSet) has no foreground class to score")
    }
    let start = ProgressLine.now()
    let requested = roi ?? options.valRoi ?? options.patch
    guard requested.count == 3 else { throw VistaError("validate: roi needs 3 sizes, got \(requested)") }
    let factor = model.imageEncoder.shapeFactor
    var rows: [[Float]] = []
    for (n, c) in data.cached.enumerated() {
      if stopping { throw ValidationStopped(done: n, total: data.count) }
      let size = c.image.spatialShape
      let caseRoi = (0..<3).map { d in
        requested[d] > 0 ? requested[d] : (size[d] + factor - 1) / factor * factor
      }
      var sw = SlidingWindowOptions(
        roi: caseRoi, overlap: [overlap ?? options.overlap], swBatchSize: options.swBatchSize)
      sw.mode = .constant
      let image = try c.image.array.reshaped([1] + c.image.shape)
      let logits = try vistaSlidingWindow(model, image: image, classes: classes, options: sw)
      let pred = try vistaPostProcess(try logits.reshaped(Array(logits.shape.dropFirst())), labelPrompt: classes)
      guard let label = c.label else { throw VistaError("validate: case \(c.name) has no label") }
      rows.append(try DiceMetric.perClass(prediction: pred, label: label.array.toInt(), classes: classes))
    }
    let perClass = DiceMetric.nanMean(rows).map(Double.init)
    let finite = perClass.filter { !$0.isNaN }
    let mean = finite.isEmpty ? Double.nan : finite.reduce(0, +) / Double(finite.count)
    return ValidationResult(
      classes: classes, perClass: perClass, perCase: rows, mean: mean, seconds: ProgressLine.now() - start)
  }
}

/// Thrown by `validate` when a stop is requested between two validation cases.
public struct ValidationStopped: Error, CustomStringConvertible {
  /// Cases scored before the stop.
  public var done: Int
  /// Validation cases in all.
  public var total: Int

  public var description: String { "validation stopped after \(done) of \(total) cases (stop requested)" }
}
