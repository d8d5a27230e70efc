/// Best-model tracking and early stopping on a validation metric (higher is better, e.g. Dice).
///
/// An epoch improves when its value exceeds the best by more than `minDelta`; NaN never improves.
/// With a `patience`, training should stop once that many epochs in a row did not improve
/// (the rule of MONAI's / Lightning's EarlyStopping handlers).
public struct BestTracker: Sendable, Equatable, Codable {
  /// Required margin over the best value to count as an improvement.
  public var minDelta: Double
  /// Epochs without improvement before `shouldStop` (nil = never stop).
  public var patience: Int?
  /// The best value so far (nil before the first finite value).
  public private(set) var best: Double?
  /// The epoch of the best value.
  public private(set) var bestEpoch: Int?
  /// Consecutive epochs without improvement.
  public private(set) var epochsWithoutImprovement = 0

  /// Creates a tracker.
  public init(minDelta: Double = 0, patience: Int? = nil) {
    self.minDelta = minDelta
    self.patience = patience
  }

  /// Records `value` for `epoch`; returns true when it is a new best (save the best model then).
  @discardableResult
  public mutating func update(_ value: Double, epoch: Int) -> Bool {
    if !value.isNaN, best == nil || value > best! + minDelta {
      best = value
      bestEpoch = epoch
      epochsWithoutImprovement = 0
      return true
    }
    epochsWithoutImprovement += 1
    return false
  }

  /// True once `patience` epochs in a row have not improved.
  public var shouldStop: Bool {
    guard let patience else { return false }
    return epochsWithoutImprovement >= patience
  }
}
