import Foundation

/// The loss a training step minimises, averaged over the sampled prompts.
public enum TrainLoss: String, Sendable, Codable, CaseIterable {
  /// MONAI `DiceLoss(sigmoid=True)` with its defaults (the tutorial).
  case dice
  /// MONAI `DiceCELoss(sigmoid=True, squared_pred=True, smooth_nr=1e-4, smooth_dr=1e-2)` (the bundle).
  case diceCE = "dicece"
}

/// When the learning-rate schedule advances.
public enum ScheduleUnit: String, Sendable, Codable {
  /// Once per epoch (MONAI's `WarmupCosineSchedule` in the VISTA3D recipes).
  case epoch
  /// Once per optimizer step.
  case step
}

/// Everything that defines a finetuning run (the script's `finetune(...)` keywords), saved in
/// `params.json`. Defaults are the MONAI VISTA3D spleen tutorial's.
public struct TrainerOptions: Sendable, Codable, Equatable {
  /// Training patch size [X, Y, Z] (RandCropByPosNegLabel `spatial_size`, also the validation roi).
  public var patch: [Int] = [96, 96, 96]
  /// Patches cropped per case and epoch (RandCropByPosNegLabel `num_samples`); one step per patch.
  public var samples: Int = 2
  /// Base learning rate (1e-5 finetunes the pretrained model; ~1e-3 trains `small` from scratch).
  public var lr: Double = 1e-5
  /// "adam", "adamw" or "sgd".
  public var optimizer: String = "adam"
  /// Weight decay (nil = the optimizer's default: 0 for Adam/SGD, 0.01 for AdamW).
  public var weightDecay: Double? = nil
  /// SGD momentum.
  public var momentum: Double = 0.9
  /// The global classes that take part in prompt sampling (0 = background prompts are trained).
  public var labelSet: [Int] = [0, 3]
  /// Dataset label → VISTA3D class, as MONAI's `label_mappings` pairs ([[1, 3]]: spleen → 3).
  public var labelMap: [[Int]] = [[1, 3]]
  /// Prompts per step: both (tutorial), auto (class prompts only) or point (clicks only).
  public var mode: PromptMode = .both
  /// Freeze the class branch (MONAI `set_auto_grad(auto_freeze=True)`; with either freeze the encoder is frozen too).
  public var autoFreeze: Bool = false
  /// Freeze the point branch (MONAI `set_auto_grad(point_freeze=True)`).
  public var pointFreeze: Bool = false
  /// Freeze every parameter whose state_dict key starts with one of these prefixes.
  public var freeze: [String] = []
  /// Seeds the epoch order, the crops and the prompt sampler.
  public var seed: UInt64 = 0
  /// Cap on steps per epoch (quick runs); nil = every patch of every case.
  public var limitSteps: Int? = nil
  /// Use only the first n training cases (nil = all).
  public var limitCases: Int? = nil
  /// Learning-rate schedule (base `lr`).
  public var schedule: LRSchedule = .constant
  /// Advance the schedule per epoch or per step.
  public var scheduleEvery: ScheduleUnit = .epoch
  /// Clip the global gradient norm to this value (nil = no clipping).
  public var clip: Double? = nil
  /// The loss.
  public var loss: TrainLoss = .dice
  /// Resampling target spacing in mm (Spacingd `pixdim`).
  public var pixdim: [Double] = [1.5, 1.5, 1.5]
  /// Validate every n epochs (0 = never).
  public var valInterval: Int = 1
  /// Validate once before training (the zero-shot baseline, the bundle's `val_at_start`).
  public var valAtStart: Bool = false
  /// Sliding-window overlap for validation.
  public var overlap: Double = 0.25
  /// Validation sliding-window roi (nil = the patch; a size ≤ 0 = the whole axis, rounded up to
  /// what the network accepts, so `[0, 0, 0]` runs each validation volume in one window).
  public var valRoi: [Int]? = nil
  /// Windows per forward in validation.
  public var swBatchSize: Int = 1
  /// Early stopping: epochs without improvement of val Dice before `fit` stops (nil = never).
  public var patience: Int? = nil
  /// Early stopping: improvement needed to count (MONAI's `min_delta`).
  public var minDelta: Double = 0
  /// Mixed precision: forward and loss under `Autocast` (`ampDtype`), backward with a GradScaler
  /// (inf/NaN steps are skipped instead of stopping). Master weights and the optimizer stay float32.
  public var amp: Bool = false
  /// With `amp`: the autocast format, bf16 (torch's CPU autocast default) or fp16.
  public var ampDtype: HalfPrecision {
    get { storedAmpDtype ?? .bf16 }
    set { storedAmpDtype = newValue }
  }
  /// Optional in params.json so runs saved before the option existed still load.
  var storedAmpDtype: HalfPrecision? = nil
  /// Prepared cases kept ahead of the training loop by the background loader.
  public var prefetch: Int = 2
  /// Print progress lines and epoch summaries.
  public var verbose: Bool = true

  /// The tutorial's settings.
  public init() {}

  /// `labelMap` as a dictionary.
  public var labelMapping: [Int: Int] {
    Dictionary(labelMap.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }, uniquingKeysWith: { _, b in b })
  }

  /// The foreground classes that validation and inference prompt (labelSet without 0).
  public var foregroundClasses: [Int] { labelSet.filter { $0 != 0 } }

  /// Throws on a value that cannot work, naming the option.
  public func validate() throws {
    guard patch.count == 3, patch.allSatisfy({ $0 > 0 }) else {
      throw VistaError("finetune: patch must be 3 positive sizes, got \(patch)")
    }
    guard samples >= 1 else { throw VistaError("finetune: samples must be ≥ 1, got \(samples)") }
    guard lr >= 0, lr.isFinite else { throw VistaError("finetune: lr must be ≥ 0, got \(lr)") }
    guard ["adam", "adamw", "sgd"].contains(optimizer) else {
      throw VistaError("finetune: optimizer must be \"adam\", \"adamw\" or \"sgd\", got \"\(optimizer)\"")
    }
    guard !labelSet.isEmpty, labelSet.allSatisfy({ (0..<255).contains($0) }) else {
      throw VistaError("finetune: label_set needs class ids in 0..<255, got \(labelSet)")
    }
    guard labelMap.allSatisfy({ $0.count == 2 }) else {
      throw VistaError("finetune: label_map needs [from, to] pairs, got \(labelMap)")
    }
    guard pixdim.count == 3, pixdim.allSatisfy({ $0 > 0 }) else {
      throw VistaError("finetune: pixdim must be 3 positive spacings, got \(pixdim)")
    }
    guard (0..<1).contains(overlap) else { throw VistaError("finetune: overlap must be in [0, 1), got \(overlap)") }
    guard valInterval >= 0 else { throw VistaError("finetune: val_interval must be ≥ 0") }
    if let l = limitSteps, l < 1 { throw VistaError("finetune: limit_steps must be ≥ 1, got \(l)") }
    if let l = limitCases, l < 1 { throw VistaError("finetune: limit_cases must be ≥ 1, got \(l)") }
    if let c = clip, !(c > 0) { throw VistaError("finetune: clip must be > 0, got \(c)") }
    try schedule.validate()
  }
}

/// One epoch of training as recorded in `Trainer.history` (and one row of metrics.csv).
public struct EpochRecord: Sendable, Codable, Equatable {
  /// 1-based epoch number (0 = the validation before training).
  public var epoch: Int
  /// Mean training loss over the epoch's steps (NaN when no step ran).
  public var trainLoss: Double
  /// The loss of every step, in order.
  public var stepLosses: [Float]
  /// Mean validation Dice over the foreground classes (nil when not validated this epoch).
  public var valDice: Double?
  /// Validation Dice per foreground class, in `labelSet` order.
  public var valPerClass: [Double]?
  /// Learning rate of the epoch's last step.
  public var lr: Double
  /// Wall time of the epoch (training + validation), seconds.
  public var seconds: Double
  /// True when this epoch's validation Dice was a new best (best.pt saved).
  public var isBest: Bool
  /// Mean validation loss (the training loss on the whole-volume class-prompt logits; nil when
  /// not validated this epoch).
  public var valLoss: Double? = nil
}

/// The result of `Trainer.validate`: Dice per class (nanmean over cases) and their mean.
public struct ValidationResult: Sendable, Equatable, CustomStringConvertible {
  /// The foreground classes scored.
  public var classes: [Int]
  /// Dice per class, nanmean over cases (NaN when no case has the class).
  public var perClass: [Double]
  /// Dice per case (rows) and class (columns); NaN where the ground truth is empty.
  public var perCase: [[Float]]
  /// The mean of `perClass`, ignoring NaN.
  public var mean: Double
  /// Wall time, seconds.
  public var seconds: Double
  /// The training loss on the whole-volume logits of the class prompts, mean over cases.
  public var loss: Double = .nan

  /// `val dice 0.9123 [3: 0.9123]`.
  public var description: String {
    let parts = zip(classes, perClass).map { String(format: "%d: %.4f", $0, $1) }
    return String(format: "val dice %.4f", mean) + " [" + parts.joined(separator: ", ") + "]"
  }
}
