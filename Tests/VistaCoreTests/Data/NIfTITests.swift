import Foundation
import TestSupport
import Testing

@testable import VistaCore

@Suite struct NIfTITests {
  static let cases = [
    "qform_int16_scaled", "sform_float64_lps", "noxform_uint8", "ext_int32_4d", "plain_int8",
    "plain_uint16",
    "channels_float32", "bigendian_int16",
  ]

  @Test(arguments: cases) func readsLikeNibabel(name: String) throws {
    let file = name.hasPrefix("bigendian") ? "\(name).nii" : "\(name).nii.gz"
    let vol = try NIfTI.read(DataGolden.url(file))
    let expected = try DataGolden.tensor("\(name).expected")
    #expect(vol.array.shape == expected.shape, "\(name)")
    #expect(vol.array.scalars == expected.scalars, "\(name): voxel values differ from nibabel")
    expectAffine(vol.affine, try DataGolden.affine("\(name).affine"), name)
  }

  @Test func reportsDtypeAndScaling() throws {
    #expect(try NIfTI.read(DataGolden.url("plain_int8.nii.gz")).dtype == "int8")
    #expect(try NIfTI.read(DataGolden.url("ext_int32_4d.nii.gz")).dtype == "int32")
    // scl_slope 2 / scl_inter −10 applied: values are no longer int16
    #expect(try NIfTI.read(DataGolden.url("qform_int16_scaled.nii.gz")).dtype == "float32")
  }

  @Test(arguments: ["float32", "int16", "uint8"]) func writeThenReadIsExact(dtype: String) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "nifti-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var rng = RandomGenerator(seed: 3)
    var t = Tensor.uniform([1, 5, 4, 3], low: 0, high: 200, using: &rng)
    if dtype != "float32" { t = t.map { $0.rounded() } }
    let affine = try DataGolden.affine("oblique.affine")
    let vol = try Volume(array: t, affine: affine, dtype: dtype)
    for ext in [".nii.gz", ".nii"] {
      let url = dir.appendingPathComponent("v\(ext)")
      try NIfTI.write(vol, to: url)
      let back = try NIfTI.read(url)
      #expect(back.array == t)
      #expect(back.dtype == dtype)
      expectAffine(back.affine, affine, "round trip", tol: 1e-4)
      try NIfTI.write(back, to: url)
      let again = try NIfTI.read(url)
      #expect(again.array == back.array)
      #expect(again.affine == back.affine, "second round trip must be bit-exact")
    }
  }

  @Test func errorsNameTheFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "nifti-bad-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let missing = dir.appendingPathComponent("nope.nii.gz")
    #expect(throws: VistaError.self) { try NIfTI.read(missing) }
    do { _ = try NIfTI.read(missing) } catch let e as VistaError {
      #expect(e.message.contains("nope.nii.gz"))
    }

    let text = dir.appendingPathComponent("text.nii")
    try Data("hello, not a nifti".utf8).write(to: text)
    do {
      _ = try NIfTI.read(text)
      Issue.record("expected an error")
    } catch let e as VistaError {
      #expect(e.message.contains("not a NIfTI") && e.message.contains("text.nii"))
    }

    // truncated gzip: keep the first half of a real .nii.gz
    let good = try Data(contentsOf: DataGolden.url("sform_float64_lps.nii.gz"))
    let cut = dir.appendingPathComponent("cut.nii.gz")
    try good.prefix(good.count / 2).write(to: cut)
    do {
      _ = try NIfTI.read(cut)
      Issue.record("expected an error")
    } catch let e as VistaError {
      #expect(e.message.contains("cut.nii.gz"))
    }
  }

  @Test func unsupportedDtypeAndRankAreClearErrors() throws {
    for (file, words) in [
      ("bad_complex64.nii.gz", "unsupported data type"), ("bad_rank5.nii.gz", "dimensions"),
    ] {
      do {
        _ = try NIfTI.read(DataGolden.url(file))
        Issue.record("\(file): expected an error")
      } catch let e as VistaError {
        #expect(e.message.contains(file) && e.message.contains(words), "\(e.message)")
      }
    }
  }

  @Test func realCTMatchesNibabel() throws {
    guard let url = Fixtures.shared("totalsegmentator_example/example_ct.nii.gz") else { return }
    let vol = try NIfTI.read(url)
    #expect(vol.spatialShape == (try DataGolden.ints("real_ct.shape")))
    expectAffine(vol.affine, try DataGolden.affine("real_ct.affine"), "example_ct")
    #expect(vol.axcodes == "RAS")
    #expect(vol.dtype == "int32")
    let idx = try DataGolden.ints("real_ct.index")
    let values = try DataGolden.tensor("real_ct.values").scalars
    for (n, v) in values.enumerated() {
      #expect(vol.array.value(at: [0, idx[n * 3], idx[n * 3 + 1], idx[n * 3 + 2]]) == v)
    }
  }
}
