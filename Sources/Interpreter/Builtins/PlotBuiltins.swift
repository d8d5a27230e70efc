import Foundation
import Plot
import VistaCore

/// The figure model of a trainer's finished epochs: train and validation loss, validation Dice,
/// learning rate.
func trainingCurves(of trainer: Trainer, title: String?) throws -> TrainingCurves {
  let h = trainer.history.filter { $0.epoch > 0 || !$0.trainLoss.isNaN }
  guard !h.isEmpty else {
    throw RuntimeFailure("plot_curves: the trainer has no finished epoch yet", argument: "source")
  }
  return TrainingCurves(
    epochs: h.map { Double($0.epoch) }, trainLoss: h.map(\.trainLoss),
    valLoss: h.map { $0.valLoss ?? .nan }, valDice: h.map { $0.valDice ?? .nan },
    seconds: h.map(\.seconds), learningRate: h.map(\.lr),
    title: title ?? "finetune \(trainer.model.config.name)")
}

extension BuiltinRegistry {
  /// plot_curves and plot_overlay (issue 7): PNG figures from a run or a case.
  mutating func installPlot() {
    register(
      Builtin(
        "plot_curves",
        [
          Param("source", .any, "a Trainer, a run folder or a metrics.csv file"),
          Param("file", .string, default: .string("curves.png"), "the PNG to write"),
          Param("title", .optional(.string), default: Value.nil),
        ],
        summary: "Plot training loss, validation Dice and learning rate per epoch; returns the path.",
        example: "plot_curves(train, \"curves.png\")"
      ) { a in
        var curves: TrainingCurves
        let title = a.has("title") ? try a.string("title") : nil
        switch a.value("source") {
        case .object(let t as TrainerObject):
          curves = try trainingCurves(of: t.trainer, title: title)
        case .string(let path):
          var resolved = a.interpreter.resolvePath(path)
          var isDir: ObjCBool = false
          guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDir) else {
            throw RuntimeFailure("plot_curves: no such file or run folder: \(path)", argument: "source")
          }
          if isDir.boolValue { resolved = (resolved as NSString).appendingPathComponent("metrics.csv") }
          curves = try plotCall { try TrainingCurves(csvPath: resolved, title: title) }
        case let v:
          throw RuntimeFailure(
            "argument 'source' of plot_curves() must be a Trainer or a path, got \(v.typeName)",
            argument: "source")
        }
        let lrs = curves.history.learningRate.filter { !$0.isNaN }
        if !lrs.isEmpty && lrs.allSatisfy({ $0 > 0 }) && (lrs.max() ?? 0) < 0.01 { curves.logLearningRate = true }
        let file = try a.string("file")
        try plotCall { try curves.write(to: a.interpreter.resolvePath(file)) }
        return .string(file)
      })
    register(
      Builtin(
        "plot_overlay",
        [
          Param("image", .any, "a Case (image + label), Volume or Tensor [X, Y, Z]"),
          Param("prediction", .any, default: Value.nil, "a label Volume or Tensor (e.g. model.segment(…))"),
          Param("label", .any, default: Value.nil, "ground truth (default: the case's label)"),
          Param("file", .string, default: .string("overlay.png"), "the PNG to write"),
          Param("plane", .string, default: .string("axial"), "axial, coronal or sagittal"),
          Param("slice", .optional(.int), default: Value.nil, "slice index (default: most foreground)"),
          Param("points", .optional(.list), default: Value.nil, "[[x, y, z], …] clicks to mark"),
          Param("point_labels", .optional(.list), default: Value.nil, "1 positive / 0 negative"),
          Param("dice", .optional(.number), default: Value.nil, "Dice to print (default: computed)"),
          Param("title", .optional(.string), default: Value.nil),
          Param(
            "panels", .optional(.list), default: Value.nil,
            "panels in order: image, label, prediction, overlay, errors (default: all that apply)"),
        ],
        summary: "Draw a slice with label and prediction overlays; returns the path.",
        example: "plot_overlay(case, model.segment(case, classes=[3]), file=\"overlay.png\")"
      ) { a in
        let (image, _) = try volumeArgument(a.value("image"), "image", callee: "plot_overlay")
        var labelValue = a.value("label")
        var title = a.has("title") ? try a.string("title") : nil
        var className: (Int) -> String = VistaLabels.name
        if case .object(let c as CaseObject) = a.value("image") {
          className = c.className
          if case .nil = labelValue, let l = try c.load().label { labelValue = .object(VolumeObject(l)) }
          title = title ?? c.name
        }
        let label = try maskArgument(labelValue, "label", on: image)
        let prediction = try maskArgument(a.value("prediction"), "prediction", on: image)
        let planeName = try a.string("plane")
        guard let plane = SlicePlane(rawValue: planeName) else {
          let known = SlicePlane.allCases.map(\.rawValue)
          throw RuntimeFailure(
            "plot_overlay: plane must be axial, coronal or sagittal, got \"\(planeName)\"",
            help: Suggestions.hint(for: planeName, in: known), argument: "plane")
        }
        let n = image.spatialShape.elementCount
        let pixels = Array(image.array.scalars.prefix(n))
        var fig = try plotCall {
          try SliceOverlay(
            image: pixels, shape: image.spatialShape, spacing: image.spacing, axcodes: image.axcodes,
            label: label, prediction: prediction)
        }
        fig.plane = plane
        if a.has("panels") {
          fig.panels = try a.list("panels").map { v in
            let name: String
            if case .string(let s) = v { name = s } else { name = "" }
            guard let p = SlicePanel(rawValue: name) else {
              let known = SlicePanel.allCases.map(\.rawValue)
              throw RuntimeFailure(
                "plot_overlay: panels must be names from \(known.joined(separator: ", ")), got \(repr(v))",
                help: Suggestions.hint(for: name, in: known), argument: "panels")
            }
            if (p == .label || p == .overlay || p == .errors) && label == nil {
              throw RuntimeFailure("plot_overlay: panel \"\(name)\" needs a label", argument: "panels")
            }
            if (p == .prediction || p == .overlay || p == .errors) && prediction == nil {
              throw RuntimeFailure("plot_overlay: panel \"\(name)\" needs a prediction", argument: "panels")
            }
            return p
          }
        }
        if a.has("slice") { fig.slice = try a.int("slice") }
        let lo = pixels.min() ?? 0
        let hi = pixels.max() ?? 0
        fig.window = lo >= -0.5 && hi <= 1.5 ? .unit : .abdomen
        fig.title = title
        if a.has("dice") {
          fig.dice = try a.double("dice")
        } else if let l = label, let p = prediction {
          // Mean Dice over the predicted classes (each against the same value in the label).
          let classes = Set(p.filter { $0 > 0 }).sorted()
          var scores: [Double] = []
          for c in classes {
            let lt = try Tensor(shape: [n], scalars: l.map { $0 == c ? 1 : 0 })
            let pt = try Tensor(shape: [n], scalars: p.map { $0 == c ? 1 : 0 })
            let d = try DiceMetric.binary(prediction: pt, label: lt, ignoreEmpty: false)
            if !d.isNaN { scores.append(Double(d)) }
          }
          if !scores.isEmpty { fig.dice = scores.reduce(0, +) / Double(scores.count) }
        }
        var ids = Set<Int32>()
        for m in [label, prediction] { if let m { ids.formUnion(m) } }
        fig.classNames = Dictionary(
          uniqueKeysWithValues: ids.filter { $0 > 0 }.map { (Int($0), className(Int($0))) })
        if let p = try pointPrompts(a) {
          let pts = p.0[0].map { $0.map { Int($0.rounded()) } }
          fig.points = try plotCall { try PointPrompt.from(points: pts, labels: p.1[0]) }
        }
        let file = try a.string("file")
        try plotCall { try fig.write(to: a.interpreter.resolvePath(file)) }
        return .string(file)
      })
  }
}

/// Runs Plot code, rethrowing `PlotError` as a script error with the same message.
func plotCall<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let e as PlotError {
    throw RuntimeFailure(e.message)
  }
}

/// A label mask as Int32 voxels on `image`'s spatial grid (resampled from another grid when needed).
func maskArgument(_ v: Value, _ name: String, on image: Volume) throws -> [Int32]? {
  if case .nil = v { return nil }
  var vol: Volume
  switch v {
  case .object(let o as TensorObject):
    guard o.tensor.count == image.spatialShape.elementCount else {
      throw RuntimeFailure(
        "plot_overlay: \(name) \(formatShape(o.tensor.shape)) does not match the image "
          + "\(formatShape(image.spatialShape))", argument: name)
    }
    return o.tensor.scalars.map { Int32($0.rounded()) }
  default:
    vol = try volumeArgument(v, name, callee: "plot_overlay").0
  }
  if vol.spatialShape != image.spatialShape || !vol.affine.isClose(to: image.affine, atol: 1e-4) {
    vol = try ResampleToMatch(affine: image.affine, spatialShape: image.spatialShape, mode: .nearest)(vol)
  }
  return vol.array.scalars.prefix(image.spatialShape.elementCount).map { Int32($0.rounded()) }
}
