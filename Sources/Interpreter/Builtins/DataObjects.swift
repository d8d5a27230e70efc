import Foundation
import VistaCore

/// A NIfTI-style volume as scripts see it: `.shape .spacing .affine .dtype .axcodes .array`.
public final class VolumeObject: ScriptObject {
  /// The wrapped volume [C, X, Y, Z].
  public let volume: Volume
  /// True when it already went through a pipeline (intensity scaled, resampled).
  public let preprocessed: Bool

  /// Wraps a volume.
  public init(_ volume: Volume, preprocessed: Bool = false) {
    self.volume = volume
    self.preprocessed = preprocessed
  }

  public var typeName: String { "Volume" }
  public var summary: String { volume.summary }
}

/// An image with its label, loaded from disk on first use (`data.val[0]`).
public final class CaseObject: ScriptObject {
  /// The files, when it comes from a dataset.
  public let item: DataItem?
  /// True when a pipeline produced it (intensity scaled, RAS, resampled).
  public let preprocessed: Bool
  private var loaded: Case?

  /// Label remapping applied when loading (the dataset's `map_labels`).
  public let labelMap: [Int: Int]
  /// The dataset's own label names (for values `labelMap` leaves alone).
  public let labelNames: [Int: String]

  /// A lazily loaded case.
  public init(item: DataItem, labelMap: [Int: Int] = [:], labelNames: [Int: String] = [:]) {
    self.item = item
    self.preprocessed = false
    self.labelMap = labelMap
    self.labelNames = labelNames
  }

  /// The name of a label value: a VISTA3D class when the dataset maps to it (or has no map), else
  /// the dataset's own name.
  public func className(_ id: Int) -> String {
    if labelMap.isEmpty || labelMap.values.contains(id) { return VistaLabels.name(id) }
    return labelNames[id].map { "\($0) (dataset label \(id))" } ?? VistaLabels.name(id)
  }

  /// An in-memory case.
  public init(_ c: Case, preprocessed: Bool) {
    self.item = nil
    self.loaded = c
    self.preprocessed = preprocessed
    self.labelMap = [:]
    self.labelNames = [:]
  }

  /// The case name.
  public var name: String { loaded?.name ?? item?.name ?? "case" }

  /// The loaded case (reads the NIfTI files the first time).
  public func load() throws -> Case {
    if let c = loaded { return c }
    guard let item else { throw VistaError("case \(name) has no data") }
    var c = try Case(loading: item)
    if !labelMap.isEmpty, let l = c.label { c.label = try MapLabels(labelMap)(l) }
    loaded = c
    return c
  }

  public var typeName: String { "Case" }
  public var summary: String {
    if let c = loaded {
      return "Case \(c.name) · image \(formatShape(c.image.shape))"
        + (c.label.map { " · label \(formatShape($0.shape))" } ?? " · no label")
        + (preprocessed ? " · preprocessed" : "")
    }
    guard let item else { return "Case \(name)" }
    return "Case \(item.name) · \(item.image.lastPathComponent)"
      + (item.label.map { " + \($0.lastPathComponent)" } ?? " · no label") + " (not loaded)"
  }
}

/// A dataset with its train / validation split and label mapping.
public final class DatasetObject: ScriptObject {
  /// The underlying dataset (its `labelMap` follows `map_labels`).
  public var dataset: Dataset
  /// Training items.
  public let train: [DataItem]
  /// Validation items.
  public let val: [DataItem]
  /// How the split was made (`tutorial`, `random 0.2 seed 0`).
  public let splitName: String

  /// Wraps a dataset and its split.
  public init(_ dataset: Dataset, train: [DataItem], val: [DataItem], splitName: String) {
    self.dataset = dataset
    self.train = train
    self.val = val
    self.splitName = splitName
  }

  public var typeName: String { "Dataset" }
  public var summary: String {
    let name = dataset.root?.lastPathComponent ?? "dataset"
    var s = "Dataset \(name) · \(train.count) train / \(val.count) val (\(splitName))"
    if !dataset.labelMap.isEmpty {
      s += " · labels {" + dataset.labelMap.keys.sorted().map { "\($0): \(dataset.labelMap[$0]!)" }
        .joined(separator: ", ") + "}"
    }
    return s
  }
}

/// A named transform pipeline (`transforms("tutorial-val")`); call it on a case.
public final class PipelineObject: ScriptObject {
  /// The pipeline.
  public let pipeline: Pipeline

  /// Wraps a pipeline.
  public init(_ p: Pipeline) { pipeline = p }

  public var typeName: String { "Pipeline" }
  public var summary: String { pipeline.description }
}

/// Reads a volume from a Volume, a Case (its image) or a Tensor ([C, X, Y, Z] or [X, Y, Z]).
func volumeArgument(_ v: Value, _ name: String, callee: String) throws -> (Volume, Bool) {
  switch v {
  case .object(let o as VolumeObject): return (o.volume, o.preprocessed)
  case .object(let o as CaseObject): return (try o.load().image, o.preprocessed)
  case .object(let o as TensorObject):
    let t = o.tensor
    if t.rank == 3 { return (try Volume(array: try t.reshaped([1] + t.shape)), true) }
    guard t.rank == 4 else {
      throw RuntimeFailure(
        "\(callee): a Tensor image must be [C, X, Y, Z] or [X, Y, Z], got \(formatShape(t.shape))",
        argument: name)
    }
    return (try Volume(array: t), true)
  default:
    throw RuntimeFailure(
      "argument '\(name)' of \(callee)() must be a Volume, Case or Tensor, got \(v.typeName)",
      argument: name)
  }
}

/// A VistaError-style message for a missing input file (named), or nil when it exists.
func requireFile(_ path: String, resolved: String, what: String, argument: String, help: String? = nil) throws {
  if !FileManager.default.fileExists(atPath: resolved) {
    let looked = resolved == path ? "" : " (looked in \(resolved))"
    throw RuntimeFailure("\(what): no such file: \(path)\(looked)", help: help, argument: argument)
  }
}
