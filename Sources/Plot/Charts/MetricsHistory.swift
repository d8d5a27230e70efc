import Foundation

/// Per-epoch training metrics as plain arrays (NaN where a value is missing), read from a run's
/// `metrics.csv` or filled by the trainer.
public struct MetricsHistory: Equatable, Sendable {
  /// Epoch numbers (x axis).
  public var epochs: [Double]
  /// Mean training loss per epoch.
  public var trainLoss: [Double]
  /// Validation loss (NaN on epochs without validation).
  public var valLoss: [Double]
  /// Mean foreground validation Dice (NaN on epochs without validation).
  public var valDice: [Double]
  /// Wall-clock seconds per epoch.
  public var seconds: [Double]
  /// Learning rate at the epoch.
  public var learningRate: [Double]

  /// Creates a history; missing arrays become all-NaN of the epochs' length.
  public init(
    epochs: [Double], trainLoss: [Double]? = nil, valLoss: [Double]? = nil,
    valDice: [Double]? = nil,
    seconds: [Double]? = nil, learningRate: [Double]? = nil
  ) {
    let n = epochs.count
    func fit(_ a: [Double]?) -> [Double] {
      let v = a ?? []
      return Array(v.prefix(n)) + [Double](repeating: .nan, count: max(0, n - v.count))
    }
    self.epochs = epochs
    self.trainLoss = fit(trainLoss)
    self.valLoss = fit(valLoss)
    self.valDice = fit(valDice)
    self.seconds = fit(seconds)
    self.learningRate = fit(learningRate)
  }

  /// Column names accepted for each field (first match wins), lower-case.
  static let aliases: [(field: String, names: [String])] = [
    ("epoch", ["epoch", "epochs"]),
    ("train_loss", ["train_loss", "loss", "loss_tr", "train"]),
    ("val_loss", ["val_loss", "loss_val", "validation_loss"]),
    ("val_dice", ["val_dice", "mean_dice", "val_mean_dice", "dice", "pseudo_dice"]),
    ("seconds", ["seconds", "epoch_time", "time", "duration"]),
    ("lr", ["lr", "learning_rate"]),
  ]

  /// Reads a `metrics.csv` (header row with any of epoch, train_loss, val_loss, val_dice,
  /// seconds, lr; other columns ignored; empty or `nan` cells are missing).
  public static func read(csvPath path: String) throws -> MetricsHistory {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw PlotError("cannot read metrics CSV '\(path)': no such file or not readable")
    }
    do {
      return try parse(csv: String(decoding: data, as: UTF8.self))
    } catch let e as PlotError {
      throw PlotError("metrics CSV '\(path)': \(e.message)")
    }
  }

  /// Parses CSV text; see `read(csvPath:)`. Rows without an epoch cell are numbered from 1.
  public static func parse(csv text: String) throws -> MetricsHistory {
    let lines = text.split(whereSeparator: \.isNewline).map(String.init)
      .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }
    guard let header = lines.first else { throw PlotError("empty file (expected a header row)") }
    let names = splitRow(header).map { $0.lowercased() }
    var index: [String: Int] = [:]
    for (field, candidates) in aliases {
      if let i = candidates.lazy.compactMap({ names.firstIndex(of: $0) }).first { index[field] = i }
    }
    guard index.count > (index["epoch"] == nil ? 0 : 1) else {
      throw PlotError(
        "no known columns in header '\(header)' (expected epoch, train_loss, val_loss, val_dice, seconds, lr)"
      )
    }
    var cols: [String: [Double]] = [:]
    for (field, _) in aliases { cols[field] = [] }
    for (r, line) in lines.dropFirst().enumerated() {
      let cells = splitRow(line)
      for (field, _) in aliases {
        var v = Double.nan
        if let i = index[field], i < cells.count, let d = Double(cells[i]) { v = d }
        if field == "epoch" && !v.isFinite { v = Double(r + 1) }
        cols[field]!.append(v)
      }
    }
    return MetricsHistory(
      epochs: cols["epoch"]!, trainLoss: cols["train_loss"], valLoss: cols["val_loss"],
      valDice: cols["val_dice"], seconds: cols["seconds"], learningRate: cols["lr"])
  }

  private static func splitRow(_ line: String) -> [String] {
    line.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(
        in: CharacterSet(charactersIn: "\""))
    }
  }
}
