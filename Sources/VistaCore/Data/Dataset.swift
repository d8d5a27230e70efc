import Foundation

/// One image/label file pair of a dataset.
public struct DataItem: Sendable, Equatable, CustomStringConvertible {
  /// Case name (the image file name without .nii/.nii.gz).
  public var name: String
  /// The image file.
  public var image: URL
  /// The label file, if any.
  public var label: URL?

  /// An item; the name defaults to the image file's name without extension.
  public init(image: URL, label: URL?, name: String? = nil) {
    self.image = image
    self.label = label
    self.name = name ?? DataItem.stem(image)
  }

  static func stem(_ url: URL) -> String {
    var n = url.lastPathComponent
    for ext in [".nii.gz", ".nii"] where n.hasSuffix(ext) { n.removeLast(ext.count) }
    return n
  }

  public var description: String {
    "\(name): \(image.lastPathComponent) + \(label?.lastPathComponent ?? "no label")"
  }
}

/// A list of image/label pairs: an MSD folder (dataset.json or imagesTr/labelsTr) or explicit pairs.
public struct Dataset: Sendable, CustomStringConvertible {
  /// All items, in the order found.
  public var items: [DataItem]
  /// Label value → name (from dataset.json `labels`; empty if unknown).
  public var labelNames: [Int: String]
  /// The folder it came from, if any.
  public var root: URL?
  /// Label remapping applied after cropping (e.g. `[1: 3]`: spleen → VISTA3D class 3); empty = none.
  public var labelMap: [Int: Int] = [:]

  /// The same dataset with a label mapping (`data.map_labels({1: 3})`).
  public func mapLabels(_ mapping: [Int: Int]) -> Dataset {
    var d = self
    d.labelMap = mapping
    return d
  }

  /// Explicit pairs.
  public init(items: [DataItem], labelNames: [Int: String] = [:]) {
    self.items = items
    self.labelNames = labelNames
    self.root = nil
  }

  /// A plain list of (image path, label path) pairs.
  public init(pairs: [(image: String, label: String?)]) {
    self.init(
      items: pairs.map {
        DataItem(
          image: URL(fileURLWithPath: $0.image), label: $0.label.map { URL(fileURLWithPath: $0) })
      })
  }

  /// An MSD-layout folder: dataset.json's `training` list and `labels`, else imagesTr/*.nii.gz with labelsTr/
  /// files of the same names.
  public init(path: URL) throws {
    let fm = FileManager.default
    var isDir: ObjCBool = false
    guard fm.fileExists(atPath: path.path, isDirectory: &isDir), isDir.boolValue else {
      throw VistaError("dataset: no such folder: \(path.path)")
    }
    root = path
    labelNames = [:]
    let json = path.appendingPathComponent("dataset.json")
    if fm.fileExists(atPath: json.path) {
      let obj: Any
      do { obj = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) } catch {
        throw VistaError("dataset: \(json.path) is not valid JSON: \(error.localizedDescription)")
      }
      guard let dict = obj as? [String: Any], let training = dict["training"] as? [[String: Any]]
      else {
        throw VistaError("dataset: \(json.path) has no \"training\" list of {image, label} entries")
      }
      if let labels = dict["labels"] as? [String: Any] {
        for (k, v) in labels { if let i = Int(k) { labelNames[i] = "\(v)" } }
      }
      items = try training.map { entry in
        guard let image = entry["image"] as? String else {
          throw VistaError("dataset: an entry of \(json.path) has no \"image\"")
        }
        return DataItem(
          image: Dataset.resolve(image, in: path),
          label: (entry["label"] as? String).map { Dataset.resolve($0, in: path) })
      }
    } else {
      let imagesDir = path.appendingPathComponent("imagesTr")
      let labelsDir = path.appendingPathComponent("labelsTr")
      let names = ((try? fm.contentsOfDirectory(atPath: imagesDir.path)) ?? [])
        .filter { ($0.hasSuffix(".nii.gz") || $0.hasSuffix(".nii")) && !$0.hasPrefix(".") }.sorted()
      guard !names.isEmpty else {
        throw VistaError("dataset: \(path.path) has neither dataset.json nor imagesTr/*.nii.gz")
      }
      items = names.map { n in
        let label = labelsDir.appendingPathComponent(n)
        return DataItem(
          image: imagesDir.appendingPathComponent(n),
          label: fm.fileExists(atPath: label.path) ? label : nil)
      }
    }
    for item in items where !fm.fileExists(atPath: item.image.path) {
      throw VistaError("dataset: \(item.name): image file missing: \(item.image.path)")
    }
    for item in items {
      if let l = item.label, !fm.fileExists(atPath: l.path) {
        throw VistaError("dataset: \(item.name): label file missing: \(l.path)")
      }
    }
  }

  static func resolve(_ p: String, in root: URL) -> URL {
    p.hasPrefix("/") ? URL(fileURLWithPath: p) : root.appendingPathComponent(p).standardizedFileURL
  }

  /// Number of items.
  public var count: Int { items.count }

  /// The tutorial's split: image and label paths sorted as strings, zipped, the last `validation` are validation.
  public func tutorialSplit(validation: Int = 9) throws -> (train: [DataItem], val: [DataItem]) {
    guard validation >= 0, validation < items.count else {
      throw VistaError(
        "dataset: the tutorial split keeps the last \(validation) cases for validation, but there are only "
          + "\(items.count) cases; use split(validationFraction:seed:) for small datasets")
    }
    let images = items.map(\.image).sorted { $0.path < $1.path }
    let labels = items.compactMap(\.label).sorted { $0.path < $1.path }
    let zipped = images.enumerated().map {
      DataItem(image: $0.element, label: labels.count == images.count ? labels[$0.offset] : nil)
    }
    return (Array(zipped.dropLast(validation)), Array(zipped.suffix(validation)))
  }

  /// A seeded random split: `validationFraction` of the cases (at least 1) go to validation.
  public func split(validationFraction: Double, seed: UInt64 = 0) throws -> (
    train: [DataItem], val: [DataItem]
  ) {
    guard validationFraction > 0, validationFraction < 1, items.count >= 2 else {
      throw VistaError(
        "dataset: validation fraction must be in (0, 1) with ≥ 2 cases, got \(validationFraction)")
    }
    var order = Array(items.indices)
    var rng = RandomGenerator(seed: seed)
    for i in stride(from: order.count - 1, to: 0, by: -1) {
      order.swapAt(i, rng.nextInt(below: i + 1))
    }
    let nVal = min(
      items.count - 1, max(1, Int((Double(items.count) * validationFraction).rounded())))
    let val = Set(order.prefix(nVal))
    return (
      items.indices.filter { !val.contains($0) }.map { items[$0] },
      order.prefix(nVal).sorted().map { items[$0] }
    )
  }

  /// The bundle's folds json (`{"training": [{image, label, fold}]}`): fold `fold` is validation.
  public static func folds(json: URL, fold: Int, root: URL) throws -> (
    train: [DataItem], val: [DataItem]
  ) {
    let obj: Any
    do { obj = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) } catch {
      throw VistaError(
        "dataset: cannot read folds json \(json.path): \(error.localizedDescription)")
    }
    guard let dict = obj as? [String: Any], let list = dict["training"] as? [[String: Any]] else {
      throw VistaError("dataset: \(json.path) has no \"training\" list of {image, label, fold}")
    }
    var train: [DataItem] = []
    var val: [DataItem] = []
    for e in list {
      guard let image = e["image"] as? String, let f = (e["fold"] as? NSNumber)?.intValue else {
        throw VistaError("dataset: an entry of \(json.path) lacks \"image\" or \"fold\"")
      }
      let item = DataItem(
        image: resolve(image, in: root),
        label: (e["label"] as? String).map { resolve($0, in: root) })
      if f == fold { val.append(item) } else { train.append(item) }
    }
    guard !val.isEmpty else {
      throw VistaError("dataset: no case has fold \(fold) in \(json.path)")
    }
    return (train, val)
  }

  public var description: String {
    let labels = labelNames.keys.sorted().map { "\($0): \(labelNames[$0]!)" }.joined(
      separator: ", ")
    return
      "Dataset(\(items.count) cases\(root.map { " in \($0.path)" } ?? "")\(labels.isEmpty ? "" : "; labels {\(labels)}"))"
  }
}
