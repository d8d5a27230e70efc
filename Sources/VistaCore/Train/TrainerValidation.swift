import Foundation

extension Trainer {
  /// Sliding-window validation as the tutorial: every validation case (preprocessed, whole volume)
  /// through the model with class prompts for the label set's foreground classes, VISTA
  /// post-processing (logit > 0, argmax mapped to class ids), Dice per class (NaN when the ground
  /// truth is empty), nanmean over cases. The training loss (`options.loss`) of the same
  /// whole-volume logits against the class masks is averaged over cases as `loss`.
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
    var losses: [Double] = []
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
      let labels = label.array.toInt()
      rows.append(try DiceMetric.perClass(prediction: pred, label: labels, classes: classes))
      losses.append(try validationLoss(logits: logits, labels: labels, classes: classes))
    }
    let perClass = DiceMetric.nanMean(rows).map(Double.init)
    let finite = perClass.filter { !$0.isNaN }
    let mean = finite.isEmpty ? Double.nan : finite.reduce(0, +) / Double(finite.count)
    return ValidationResult(
      classes: classes, perClass: perClass, perCase: rows, mean: mean, seconds: ProgressLine.now() - start,
      loss: losses.isEmpty ? .nan : losses.reduce(0, +) / Double(losses.count))
  }

  /// The training loss (`options.loss`) on prompt logits `[B, 1, spatial…]` and targets of the same
  /// shape, averaged over prompts as a training step does.
  func trainingLoss(_ logits: Variable, _ targets: Tensor) throws -> Variable {
    switch options.loss {
    case .dice: return try DiceLoss()(logits, targets)
    case .diceCE: return try DiceCELoss(squaredPred: true, smoothNr: 1e-4, smoothDr: 1e-2)(logits, targets)
    }
  }

  /// The training loss of one validation case: sliding-window logits `[1, K, X, Y, Z]` (one channel
  /// per class prompt) against the masks `label == class`; no gradients.
  func validationLoss(logits: Tensor, labels: IntTensor, classes: [Int]) throws -> Double {
    let spatial = Array(logits.shape.dropFirst(2))
    let perPrompt = try logits.reshaped([classes.count, 1] + spatial)
    let targets = try promptTargets(labels: try labels.reshaped([1, 1] + spatial), classes: classes)
    return try GradMode.withNoGrad { Double(try trainingLoss(Variable(perPrompt), targets).value.scalars[0]) }
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
