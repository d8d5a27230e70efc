import Foundation

/// A training run's folder, `runs/<name>/`: `params.json`, `metrics.csv` (one row per epoch) and
/// `log.txt`. Every write replaces the file atomically (temp file, fsync, rename), so killing the
/// process mid-write leaves the previous version intact.
public final class RunFolder {
  /// The folder.
  public let url: URL

  /// Opens `root/name`, creating it (and `root`) when missing.
  public convenience init(name: String, root: URL = URL(fileURLWithPath: "runs")) throws {
    guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
      throw VistaError("run name '\(name)' must be a plain folder name (no '/')")
    }
    try self.init(url: root.appendingPathComponent(name))
  }

  /// Opens the folder at `url`, creating it when missing.
  public init(url: URL) throws {
    self.url = url
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw VistaError("cannot create run folder '\(url.path)': \(error.localizedDescription)")
    }
  }

  /// The URL of a file in the run folder.
  public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

  // MARK: - params.json

  /// Writes `params.json` (pretty-printed, sorted keys).
  public func writeParams<T: Encodable>(_ params: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    try writeAtomically(try encoder.encode(params), to: file("params.json"))
  }

  /// Reads `params.json`.
  public func readParams<T: Decodable>(_ type: T.Type) throws -> T {
    let data = try read("params.json")
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    do { return try decoder.decode(type, from: data) } catch {
      throw VistaError("\(file("params.json").path): cannot decode (\(error))")
    }
  }

  // MARK: - metrics.csv

  /// Appends one row to `metrics.csv`; a column not seen before is added to the header (earlier
  /// rows get an empty cell). Values: numbers in shortest round-trip form, NaN as `nan`.
  public func appendMetrics(_ row: [(String, MetricValue)]) throws {
    var table = try readMetrics()
    for (key, _) in row where !table.header.contains(key) {
      table.header.append(key)
      for i in table.rows.indices { table.rows[i].append("") }
    }
    var cells = [String](repeating: "", count: table.header.count)
    for (key, value) in row { cells[table.header.firstIndex(of: key)!] = value.csv }
    table.rows.append(cells)
    let lines = ([table.header] + table.rows).map { $0.map(csvEscape).joined(separator: ",") }
    try writeAtomically(Data((lines.joined(separator: "\n") + "\n").utf8), to: file("metrics.csv"))
  }

  /// The header and rows of `metrics.csv` (empty when the file does not exist yet).
  public func readMetrics() throws -> (header: [String], rows: [[String]]) {
    guard FileManager.default.fileExists(atPath: file("metrics.csv").path) else { return ([], []) }
    let text = String(decoding: try read("metrics.csv"), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { parseCSVLine(String($0)) }
    guard let header = lines.first else { return ([], []) }
    return (header, Array(lines.dropFirst()))
  }

  // MARK: - log.txt

  /// Appends `line` to `log.txt`, prefixed with an ISO-8601 UTC timestamp.
  public func log(_ line: String, date: Date = Date()) throws {
    let path = file("log.txt")
    var data = FileManager.default.fileExists(atPath: path.path) ? try read("log.txt") : Data()
    let stamp = ISO8601DateFormatter().string(from: date)
    data.append(Data("\(stamp) \(line)\n".utf8))
    try writeAtomically(data, to: path)
  }

  private func read(_ name: String) throws -> Data {
    do { return try Data(contentsOf: file(name)) } catch {
      throw VistaError("cannot read '\(file(name).path)': \(error.localizedDescription)")
    }
  }
}

/// A cell of `metrics.csv`.
public enum MetricValue: Sendable, Equatable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByStringLiteral
{
  /// A number (integers print without a fraction).
  case number(Double)
  /// Free text (quoted when it holds a comma).
  case text(String)

  /// `0.5` in a row literal.
  public init(floatLiteral value: Double) { self = .number(value) }
  /// `3` in a row literal.
  public init(integerLiteral value: Int) { self = .number(Double(value)) }
  /// `"best"` in a row literal.
  public init(stringLiteral value: String) { self = .text(value) }

  /// The CSV text: integers without a fraction, NaN as `nan`.
  var csv: String {
    switch self {
    case .text(let s): return s
    case .number(let x):
      if x.isNaN { return "nan" }
      if x.isInfinite { return x > 0 ? "inf" : "-inf" }
      if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
      return "\(x)"
    }
  }
}

/// Quotes a CSV cell when it holds a comma, quote or newline.
func csvEscape(_ s: String) -> String {
  guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
  return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// Splits one CSV line (RFC 4180 quoting, no embedded newlines).
func parseCSVLine(_ line: String) -> [String] {
  var cells: [String] = []
  var cell = ""
  var quoted = false
  var chars = Array(line)
  if chars.last == "\r" { chars.removeLast() }
  var i = 0
  while i < chars.count {
    let c = chars[i]
    if quoted {
      if c == "\"" {
        if i + 1 < chars.count && chars[i + 1] == "\"" {
          cell.append("\"")
          i += 1
        } else {
          quoted = false
        }
      } else {
        cell.append(c)
      }
    } else if c == "\"" {
      quoted = true
    } else if c == "," {
      cells.append(cell)
      cell = ""
    } else {
      cell.append(c)
    }
    i += 1
  }
  cells.append(cell)
  return cells
}
