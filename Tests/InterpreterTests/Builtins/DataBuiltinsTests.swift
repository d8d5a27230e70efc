import Foundation
import Testing
import VistaCore

@testable import Interpreter

@Suite struct DataBuiltinsTests {
  /// A runner with a 4-case synthetic dataset of 16×16×16 voxels in `data/`.
  static func withData() throws -> ScriptRunner {
    var r = try ScriptRunner()
    try r.run(#"data = synthetic_dataset("data", cases=4, size=[16, 16, 16], seed=1)"#)
    return r
  }

  @Test func syntheticDatasetSplitsAndLoadsLazily() throws {
    var r = try Self.withData()
    defer { r.remove() }
    let out = try r.run(
      """
      print(len(data.train), len(data.val), data.size)
      c = data.val[0]
      print(c)
      print(c.image.shape, c.label.shape)
      print(c)
      """)
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines[0] == "3 1 4")
    #expect(lines[1].hasSuffix("(not loaded)"))
    #expect(lines[2] == "[1, 16, 16, 16] [1, 16, 16, 16]")
    #expect(lines[3].contains("image [1, 16, 16, 16]"))
  }

  @Test func loadNiftiMatchesTheReader() throws {
    var r = try Self.withData()
    defer { r.remove() }
    let out = try r.run(
      """
      vol = load_nifti("data/imagesTr/synth_000.nii.gz")
      print(vol.shape, vol.dtype, vol.axcodes)
      print(vol.spacing)
      print(vol.affine[0])
      print(vol.array.sum())
      """)
    let v = try NIfTI.read(URL(fileURLWithPath: r.path("data/imagesTr/synth_000.nii.gz")))
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines[0] == "\(v.shape) \(v.dtype) \(v.axcodes)")
    #expect(lines[1] == "[" + v.spacing.map { repr(.float($0)) }.joined(separator: ", ") + "]")
    #expect(lines[2] == "[" + v.affine.m[0..<4].map { repr(.float($0)) }.joined(separator: ", ") + "]")
    #expect(lines[3] == repr(.float(v.array.sum())))
  }

  @Test func saveNiftiAndNpyRoundTrip() throws {
    var r = try Self.withData()
    defer { r.remove() }
    let out = try r.run(
      """
      vol = load_nifti("data/imagesTr/synth_001.nii.gz")
      save_nifti(vol, "copy.nii.gz")
      back = load_nifti("copy.nii.gz")
      print((back.array - vol.array).max(), back.shape == vol.shape)
      save_npy(vol, "v.npy")
      print(load_npy("v.npy").shape)
      """)
    #expect(out == "0.0 true\n[1, 16, 16, 16]\n")
  }

  @Test func transformFunctionsMatchTheEngine() throws {
    var r = try Self.withData()
    defer { r.remove() }
    try r.run(
      """
      vol = load_nifti("data/imagesTr/synth_002.nii.gz")
      a = scale_intensity(vol, a_min=-1000, a_max=1000, b_min=0, b_max=1, clip=true)
      b = orientation(a, "LPS")
      c = spacing(b, [2.0, 2.0, 2.0], mode="bilinear")
      d = spatial_pad(c, [12, 12, 12])
      e = crop_foreground(d, margin=1)
      save_npy(d, "d.npy")
      save_npy(e, "e.npy")
      """)
    let v = try NIfTI.read(URL(fileURLWithPath: r.path("data/imagesTr/synth_002.nii.gz")))
    let a = try ScaleIntensityRange(aMin: -1000, aMax: 1000, bMin: 0, bMax: 1, clip: true)(v)
    let d = try SpatialPad(spatialSize: [12, 12, 12])(
      try Spacing(pixdim: [2, 2, 2], mode: .bilinear)(try Orientation(axcodes: "LPS")(a)))
    let e = try CropForeground(margin: [1])(d)
    #expect(try NPY.readTensor(URL(fileURLWithPath: r.path("d.npy"))) == d.array)
    #expect(try NPY.readTensor(URL(fileURLWithPath: r.path("e.npy"))) == e.array)
  }

  @Test func namedPipelinePrintsAndRuns() throws {
    var r = try Self.withData()
    defer { r.remove() }
    let out = try r.run(
      """
      pipe = transforms("tutorial-val")
      print(pipe)
      c = pipe(data.val[0])
      print(c.image.axcodes, c.image.array.max() <= 1.0, c.image.array.min() >= 0.0)
      crops = transforms("tutorial-train", patch=[8, 8, 8], samples=2)(data.train[0], seed=1)
      print(type(crops), len(crops))
      """)
    #expect(out.hasPrefix(Pipeline.tutorialVal().description + "\n"))
    #expect(out.hasSuffix("RAS true true\nlist 2\n"))
  }

  @Test func mapLabelsAppliesToLoadedCases() throws {
    var r = try Self.withData()
    defer { r.remove() }
    let out = try r.run(
      """
      data.map_labels({1: 3, 2: 0})
      print(data)
      l = data.val[0].label.array
      ok = true
      for v in l.tolist() { if v != 0 and v != 3 { ok = false } }
      print(ok, l.max())
      """)
    #expect(out.contains("labels {1: 3, 2: 0}"))
    #expect(out.hasSuffix("true 3.0\n"))
  }

  @Test func datasetSplits() throws {
    var r = try Self.withData()
    defer { r.remove() }
    let out = try r.run(
      """
      d = dataset("data", split=0.5, seed=2)
      print(len(d.train), len(d.val))
      e = dataset("data", split="random", val_fraction=0.25)
      print(len(e.train), len(e.val))
      """)
    #expect(out == "2 2\n3 1\n")
  }

  @Test func errorsNameFilesAndSuggest() throws {
    var r = try Self.withData()
    defer { r.remove() }
    let nifti = try #require(try r.error(#"load_nifti("missing/ct.nii.gz")"#))
    #expect(nifti.message.contains("missing/ct.nii.gz"))
    let folder = try #require(try r.error(#"dataset("Task09_Nowhere")"#))
    #expect(folder.message.contains("Task09_Nowhere"))
    let tut = try #require(try r.error(#"dataset("data")"#))
    #expect(tut.message.contains("tutorial split"))
    #expect(tut.help?.contains("split=\"random\"") == true)
    let pipe = try #require(try r.error(#"transforms("tutorial-vall")"#))
    #expect(pipe.help == "did you mean 'tutorial-val'?")
    let kw = try #require(try r.error(#"scale_intensity(load_nifti("data/imagesTr/synth_000.nii.gz"), a_mni=0)"#))
    #expect(kw.help?.contains("did you mean 'a_min'?") == true)
    let mode = try #require(try r.error(#"spacing(load_nifti("data/imagesTr/synth_000.nii.gz"), [1, 1, 1], mode="cubic")"#))
    #expect(mode.message.contains("cubic"))
  }

  @Test func datasetFromAListAndNamedValidationCases() throws {
    var r = try Self.withData()
    defer { r.remove() }
    let out = try r.run(
      """
      c = data.val[0]
      print(c.path == nil, c.path.endswith(".nii.gz"))
      pairs = []
      for x in data.train { pairs.append({"image": x.path, "label": x.path}) }
      d = dataset(pairs, split=0.5)
      print(len(d.train) + len(d.val))
      named = dataset("data", split=["synth_001", "synth_003"])
      print(named)
      names = []
      for x in named.val { names.append(x.name) }
      print(names)
      """)
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines[0] == "false true", "\(out)")
    #expect(lines[1] == "3")
    #expect(lines[2].contains("2 train / 2 val (2 named validation cases)"))
    #expect(lines[3].contains("synth_001") && lines[3].contains("synth_003") && !lines[3].contains("synth_000"))
    let typo = try #require(try r.error(#"dataset("data", split=["synth_01"])"#))
    #expect(typo.message.contains("no case named \"synth_01\""))
    let missing = try #require(try r.error(#"dataset([{"image": "nope.nii.gz"}])"#))
    #expect(missing.message.contains("nope.nii.gz"))
    let bad = try #require(try r.error(#"dataset([1, 2])"#))
    #expect(bad.message.contains("\"image\""))
  }
}
