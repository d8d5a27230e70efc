import Foundation
import TestSupport
import Testing

@testable import VistaCore

/// Golden fixture access for the data tests (`Tests/VistaCoreTests/Golden/data/`).
enum DataGolden {
  static func url(_ name: String) -> URL { Fixtures.golden("data/\(name)") }

  /// A float32 array fixture as a Tensor.
  static func tensor(_ name: String) throws -> Tensor { try NPY.readTensor(url("\(name).npy")) }

  /// An int64 fixture as Ints.
  static func ints(_ name: String) throws -> [Int] {
    try NPY.readIntTensor(url("\(name).npy")).scalars.map { Int($0) }
  }

  /// A float64 4×4 fixture at full precision (NPY.read would round to Float32).
  static func affine(_ name: String) throws -> Affine { try Affine(doubles(name)) }

  /// A float64 fixture at full precision.
  static func doubles(_ name: String) throws -> [Double] {
    let data = try Data(contentsOf: url("\(name).npy"))
    let headerLen = Int(data[8]) | Int(data[9]) << 8
    let header = String(decoding: data[10..<(10 + headerLen)], as: UTF8.self)
    #expect(header.contains("'<f8'"), "\(name): expected float64")
    let body = data.subdata(in: (10 + headerLen)..<data.count)
    let values = body.withUnsafeBytes { raw in
      (0..<(raw.count / 8)).map {
        Double(
          bitPattern: UInt64(
            littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))
      }
    }
    return values
  }

  /// Volume from `<name>.npy` + `<name>.affine.npy`.
  static func volume(_ name: String, affine: String? = nil) throws -> Volume {
    try Volume(array: tensor(name), affine: self.affine(affine ?? "\(name).affine"))
  }
}

/// Affines equal to 1e-6 (absolute), with a readable failure.
func expectAffine(_ a: Affine, _ b: Affine, _ label: String, tol: Double = 1e-6) {
  let d = a.maxAbsDiff(b)
  #expect(d <= tol, "\(label): affine differs by \(d)\nours:\n\(a)\nMONAI:\n\(b)")
}

/// Arrays of equal shape and ≤ tol relative difference (max|a−b| / max|b|).
func expectArray(_ a: Tensor, _ b: Tensor, _ label: String, tol: Float = 1e-5) {
  #expect(a.shape == b.shape, "\(label): shape \(a.shape) vs MONAI \(b.shape)")
  guard a.shape == b.shape else { return }
  let scale = max(b.maxAbs(), 1e-12)
  let diff = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
  #expect(diff / scale <= tol, "\(label): max relative difference \(diff / scale)")
}
