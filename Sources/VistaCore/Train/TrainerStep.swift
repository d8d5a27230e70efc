import Foundation

extension Trainer {
  /// One optimizer step on one patch, as the tutorial's inner loop:
  /// `sample_prompt_pairs` → forward → loss over prompts → backward → (clip) → step → zero_grad.
  ///
  /// Returns the loss, or NaN when the patch gave no prompt (the tutorial skips such patches).
  func trainStep(_ patch: Case) throws -> Float {
    guard let labelVolume = patch.label else { throw VistaError("trainer: patch of \(patch.name) has no label") }
    let spatial = patch.image.spatialShape
    let image = try patch.image.array.reshaped([1, patch.image.channels] + spatial)
    let labels = try labelVolume.array.toInt().reshaped([1, 1] + labelVolume.spatialShape)
    guard let sample = try samplePromptPairs(labels: labels, options: sampler, using: &rng) else {
      optimizer.zeroGrad()
      return .nan
    }
    let classes = sample.labelPrompt.map { $0.scalars.map { Int($0) } }
    var points: PointPrompts? = nil
    if let coords = sample.point, let pl = sample.pointLabel {
      points = try PointPrompts(coords: coords, labels: pl)
    }
    optimizer.lr = currentLR()
    let targets = try promptTargets(labels: labels, classes: sample.classes)
    // Forward and loss under autocast with amp (the loss itself computes in float32).
    let loss = try Autocast.with(options.amp ? options.ampDtype : nil) { () throws -> Variable in
      let logits = try model(Variable(image), classes: classes, points: points)
      return try trainingLoss(logits, targets)
    }
    let value = loss.value.scalars[0]
    guard loss.requiresGrad else {
      throw VistaError(
        "trainer: the loss does not depend on any trainable parameter (is the branch used by mode \"\(options.mode.rawValue)\" frozen?)")
    }
    let params = optimizer.parameters
    if let scaler {
      try scaler.scale(loss).backward()
      if let clip = options.clip {
        try scaler.unscale(params)
        if !scaler.foundInf { _ = try clipGradNorm(params, maxNorm: clip) }
      }
      let stepped = try scaler.step(optimizer)
      scaler.update()
      optimizer.zeroGrad()
      if !stepped || !value.isFinite {
        let text = "step \(globalStep + 1): non-finite loss or gradient; step skipped, loss scale now \(scaler.scale)"
        say(text)
        try run?.log(text)
      }
      return value
    }
    guard value.isFinite else {
      optimizer.zeroGrad()
      let last = lastCheckpoint.map { "the last good checkpoint is \($0)" }
        ?? "no checkpoint was saved yet (the model was not changed by this step)"
      let text = "training stopped: the loss is \(value) at epoch \((cursor?.epoch ?? epochsCompleted) + 1), "
        + "global step \(globalStep + 1); \(last). Lower the learning rate (now \(optimizer.lr)) or enable clip"
      try? run?.log(text)
      throw VistaError(text)
    }
    try loss.backward()
    if let clip = options.clip { _ = try clipGradNorm(params, maxNorm: clip) }
    try optimizer.step()
    optimizer.zeroGrad()
    return value
  }
}
