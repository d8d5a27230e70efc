import Foundation
import Testing

@testable import VistaCore

private func tempRoot() -> URL {
  FileManager.default.temporaryDirectory.appendingPathComponent("vista-run-\(UUID().uuidString)")
}

private struct Params: Codable, Equatable {
  var lr: Double
  var labelSet: [Int]
  var optimizer: String
}

@Suite struct RunFolderTests {
  @Test func paramsMetricsAndLogRoundTrip() throws {
    let root = tempRoot()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try RunFolder(name: "spleen", root: root)
    #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("spleen").path))
    let params = Params(lr: 1e-5, labelSet: [0, 3], optimizer: "adam")
    try run.writeParams(params)
    #expect(try run.readParams(Params.self) == params)

    try run.appendMetrics([("epoch", 1), ("train_loss", 0.5), ("dice_3", .number(.nan)), ("note", "a,b")])
    try run.appendMetrics([("epoch", 2), ("train_loss", 0.25), ("dice_3", 0.8125), ("lr", 1e-5)])
    let table = try run.readMetrics()
    #expect(table.header == ["epoch", "train_loss", "dice_3", "note", "lr"])
    #expect(table.rows == [["1", "0.5", "nan", "a,b", ""], ["2", "0.25", "0.8125", "", "1e-05"]])

    try run.log("started", date: Date(timeIntervalSince1970: 0))
    try run.log("epoch 1 done", date: Date(timeIntervalSince1970: 60))
    let log = try String(contentsOf: run.file("log.txt"), encoding: .utf8)
    #expect(log == "1970-01-01T00:00:00Z started\n1970-01-01T00:01:00Z epoch 1 done\n")
    // No temp files left behind.
    let files = try FileManager.default.contentsOfDirectory(atPath: run.url.path).sorted()
    #expect(files == ["log.txt", "metrics.csv", "params.json"])
  }

  @Test func rejectsPathLikeNames() {
    #expect(throws: VistaError.self) { try RunFolder(name: "../x", root: tempRoot()) }
    #expect(throws: VistaError.self) { try RunFolder(name: "", root: tempRoot()) }
  }

  @Test func csvQuotingRoundTrips() {
    let cells = ["plain", "with,comma", "with \"quote\"", ""]
    #expect(parseCSVLine(cells.map(csvEscape).joined(separator: ",")) == cells)
  }
}

@Suite struct ProgressLineTests {
  @Test func plainLinesWithRateEtaAndRunningLoss() {
    var p = ProgressLine(total: 4, label: "epoch 1/5", interactive: false, plainEvery: 2, start: 100)
    #expect(p.update(step: 1, loss: 0.5, now: 102) == "")
    let second = p.update(step: 2, loss: 0.3, now: 104)
    #expect(second == "epoch 1/5  step 2/4  2.00 s/step  ETA 4s  loss 0.4000\n")
    #expect(p.update(step: 3, loss: .nan, now: 106) == "")
    let last = p.update(step: 4, loss: 0.2, now: 108)
    #expect(last == "epoch 1/5  step 4/4  2.00 s/step  took 8s  loss 0.3333\n")
  }

  @Test func terminalRewritesInPlace() {
    var p = ProgressLine(total: 2, interactive: true, start: 0)
    let first = p.update(step: 1, loss: 1, now: 90)
    #expect(first.hasPrefix("\r") && first.hasSuffix("\u{1B}[K"))
    #expect(first.contains("ETA 1m30s"))
    #expect(p.update(step: 2, now: 180).hasSuffix("\u{1B}[K\n"))
  }

  @Test func durations() {
    #expect(formatDuration(5) == "5s")
    #expect(formatDuration(65) == "1m05s")
    #expect(formatDuration(3720) == "1h02m")
    #expect(formatDuration(.infinity) == "?")
  }
}
