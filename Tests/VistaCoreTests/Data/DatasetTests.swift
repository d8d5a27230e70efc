import Foundation
import TestSupport
import Testing

@testable import VistaCore

@Suite struct DatasetTests {
  func folder(names: [String], json: Bool) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ds-\(UUID().uuidString)")
    let fm = FileManager.default
    try fm.createDirectory(
      at: dir.appendingPathComponent("imagesTr"), withIntermediateDirectories: true)
    try fm.createDirectory(
      at: dir.appendingPathComponent("labelsTr"), withIntermediateDirectories: true)
    for n in names {
      for sub in ["imagesTr", "labelsTr"] {
        try Data().write(to: dir.appendingPathComponent("\(sub)/\(n).nii.gz"))
      }
    }
    if json {
      let training = names.map {
        "{\"image\": \"./imagesTr/\($0).nii.gz\", \"label\": \"./labelsTr/\($0).nii.gz\"}"
      }
      try Data(
        "{\"labels\": {\"0\": \"background\", \"1\": \"spleen\"}, \"training\": [\(training.joined(separator: ","))]}"
          .utf8
      )
      .write(to: dir.appendingPathComponent("dataset.json"))
    }
    return dir
  }

  @Test func tutorialSplitSortsNamesAsStrings() throws {
    let names = [2, 10, 3, 56, 6, 59, 60, 61, 62, 63, 8, 9, 1, 12, 13].map { "spleen_\($0)" }
    for json in [true, false] {
      let dir = try folder(names: names, json: json)
      defer { try? FileManager.default.removeItem(at: dir) }
      let data = try Dataset(path: dir)
      let (train, val) = try data.tutorialSplit()
      #expect(
        train.map(\.name) == [
          "spleen_1", "spleen_10", "spleen_12", "spleen_13", "spleen_2", "spleen_3",
        ])
      #expect(
        val.map(\.name) == [
          "spleen_56", "spleen_59", "spleen_6", "spleen_60", "spleen_61", "spleen_62", "spleen_63",
          "spleen_8", "spleen_9",
        ])
      #expect(val.allSatisfy { $0.label!.lastPathComponent == $0.image.lastPathComponent })
      if json { #expect(data.labelNames[1] == "spleen") }
    }
  }

  @Test func fractionSplitIsSeededAndDisjoint() throws {
    let dir = try folder(names: (0..<10).map { "c\($0)" }, json: false)
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = try Dataset(path: dir)
    let a = try data.split(validationFraction: 0.2, seed: 1)
    let b = try data.split(validationFraction: 0.2, seed: 1)
    #expect(a.val == b.val && a.val.count == 2 && a.train.count == 8)
    #expect(Set(a.val.map(\.name)).isDisjoint(with: a.train.map(\.name)))
    #expect(throws: VistaError.self) { try data.tutorialSplit(validation: 10) }
  }

  @Test func foldsJson() throws {
    let dir = try folder(names: ["a", "b", "c"], json: false)
    defer { try? FileManager.default.removeItem(at: dir) }
    let folds = dir.appendingPathComponent("folds.json")
    try Data(
      """
      {"training": [{"image": "imagesTr/a.nii.gz", "label": "labelsTr/a.nii.gz", "fold": 0},
                    {"image": "imagesTr/b.nii.gz", "label": "labelsTr/b.nii.gz", "fold": 1},
                    {"image": "imagesTr/c.nii.gz", "label": "labelsTr/c.nii.gz", "fold": 0}]}
      """.utf8
    ).write(to: folds)
    let (train, val) = try Dataset.folds(json: folds, fold: 0, root: dir)
    #expect(train.map(\.name) == ["b"] && val.map(\.name) == ["a", "c"])
  }

  @Test func missingFolderAndFilesAreClearErrors() throws {
    do {
      _ = try Dataset(path: URL(fileURLWithPath: "/nonexistent/ds"))
      Issue.record("expected an error")
    } catch let e as VistaError { #expect(e.message.contains("/nonexistent/ds")) }
    let dir = try folder(names: ["a"], json: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.removeItem(at: dir.appendingPathComponent("labelsTr/a.nii.gz"))
    do {
      _ = try Dataset(path: dir)
      Issue.record("expected an error")
    } catch let e as VistaError { #expect(e.message.contains("label file missing")) }
  }
}
