import Foundation
import VistaCore

extension BuiltinRegistry {
  /// load_nifti, save_nifti, single transforms, transforms(), dataset(), synthetic_dataset() and
  /// the Volume / Case / Dataset / Pipeline members (issue 4 §7).
  mutating func installData() {
    registerType("Volume", summary: "An image or label volume [C, X, Y, Z] with its affine (from load_nifti)")
    registerType("Case", summary: "An image with its label (data.val[0]); loaded from disk on first use")
    registerType("Dataset", summary: "Images and labels with a train / validation split and a label map")
    registerType("Pipeline", summary: "A named chain of transforms; call it on a case: pipe(case)")
    installVolumeIO()
    installTransformFunctions()
    installDatasets()
    installDataMembers()
  }

  private mutating func installVolumeIO() {
    register(
      Builtin(
        "load_nifti", [Param("path", .string, "a .nii or .nii.gz file")],
        summary: "Read a NIfTI file as a Volume [C, X, Y, Z] (nibabel's affine).",
        example: "vol = load_nifti(\"ct.nii.gz\")"
      ) { a in
        let path = try a.string("path")
        let resolved = a.interpreter.resolvePath(path)
        try requireFile(path, resolved: resolved, what: "load_nifti", argument: "path")
        return .object(VolumeObject(try loadNIfTI(resolved)))
      })
    register(
      Builtin(
        "save_nifti",
        [
          Param("volume", .any, "a Volume (or a Case: its image)"),
          Param("path", .string, "output .nii or .nii.gz"),
          Param("dtype", .optional(.string), default: Value.nil, "float32, int16, uint8 or int32"),
        ],
        summary: "Write a Volume as NIfTI (atomically).", example: "save_nifti(vol, \"out.nii.gz\")"
      ) { a in
        let (vol, _) = try volumeArgument(a.value("volume"), "volume", callee: "save_nifti")
        let path = a.interpreter.resolvePath(try a.string("path"))
        try saveNIfTI(vol, path, dtype: a.has("dtype") ? try a.string("dtype") : nil)
        return .string(try a.string("path"))
      })
  }

  private mutating func installTransformFunctions() {
    func apply(_ a: Arguments, _ name: String, _ t: any Transform) throws -> Value {
      switch a.value("volume") {
      case .object(let c as CaseObject):
        let loaded = try c.load()
        var out = loaded
        out.image = try t(loaded.image)
        return .object(CaseObject(out, preprocessed: true))
      case let v:
        let (vol, _) = try volumeArgument(v, "volume", callee: name)
        return .object(VolumeObject(try t(vol), preprocessed: true))
      }
    }
    let volumeParam = Param("volume", .any, "a Volume (or a Case: its image)")
    register(
      Builtin(
        "scale_intensity",
        [
          volumeParam,
          Param("a_min", .number, default: .int(-1000)), Param("a_max", .number, default: .int(1000)),
          Param("b_min", .number, default: .int(0)), Param("b_max", .number, default: .int(1)),
          Param("clip", .bool, default: .bool(true)),
        ],
        summary: "ScaleIntensityRange: map [a_min, a_max] linearly to [b_min, b_max].",
        example: "vol = scale_intensity(vol, a_min=-1000, a_max=1000, b_min=0, b_max=1, clip=true)"
      ) { a in
        try apply(
          a, "scale_intensity",
          ScaleIntensityRange(
            aMin: try a.double("a_min"), aMax: try a.double("a_max"), bMin: try a.double("b_min"),
            bMax: try a.double("b_max"), clip: try a.bool("clip")))
      })
    register(
      Builtin(
        "orientation", [volumeParam, Param("axcodes", .string, default: .string("RAS"))],
        summary: "Reorient to axis codes (e.g. RAS).", example: "vol = orientation(vol, \"RAS\")"
      ) { a in
        let codes = try a.string("axcodes").uppercased()
        guard codes.count == 3 else {
          throw RuntimeFailure("orientation: axcodes must be 3 letters like \"RAS\", got \"\(codes)\"",
            argument: "axcodes")
        }
        return try apply(a, "orientation", Orientation(axcodes: codes))
      })
    register(
      Builtin(
        "spacing",
        [
          volumeParam, Param("pixdim", .list, "target spacing in mm, e.g. [1.5, 1.5, 1.5]"),
          Param("mode", .oneOf([.string]), default: .string("bilinear"), "bilinear or nearest"),
        ],
        summary: "Resample to a voxel spacing (mm).",
        example: "vol = spacing(vol, [1.5, 1.5, 1.5], mode=\"bilinear\")"
      ) { a in
        let pixdim = try a.doubles("pixdim")
        guard pixdim.count == 3, pixdim.allSatisfy({ $0 > 0 }) else {
          throw RuntimeFailure("spacing: pixdim must be 3 positive values, got \(pixdim)", argument: "pixdim")
        }
        let m = try a.string("mode")
        guard let mode = InterpolationMode(rawValue: m) else {
          throw RuntimeFailure("spacing: mode must be \"bilinear\" or \"nearest\", got \"\(m)\"", argument: "mode")
        }
        return try apply(a, "spacing", Spacing(pixdim: pixdim, mode: mode))
      })
    register(
      Builtin(
        "crop_foreground",
        [
          volumeParam, Param("threshold", .number, default: .int(0), "foreground is value > threshold"),
          Param("margin", .int, default: .int(0), "voxels added per side"),
        ],
        summary: "Crop to the bounding box of the foreground (image and label alike for a Case).",
        example: "vol = crop_foreground(vol, margin=2)"
      ) { a in
        let t = CropForeground(threshold: Float(try a.double("threshold")), margin: [try a.int("margin")])
        if case .object(let c as CaseObject) = a.value("volume") {
          var rng = RandomGenerator(seed: 0)
          let out = try PipelineStep.cropForeground(t).apply(try c.load(), using: &rng)[0]
          return .object(CaseObject(out, preprocessed: true))
        }
        return try apply(a, "crop_foreground", t)
      })
    register(
      Builtin(
        "spatial_pad",
        [
          volumeParam, Param("size", .list, "minimum spatial size, e.g. [96, 96, 96]"),
          Param("value", .number, default: .int(0)),
        ],
        summary: "Pad symmetrically up to a minimum spatial size.",
        example: "vol = spatial_pad(vol, [96, 96, 96])"
      ) { a in
        let size = try a.ints("size")
        guard size.count == 3 else {
          throw RuntimeFailure("spatial_pad: size must have 3 values, got \(size)", argument: "size")
        }
        return try apply(a, "spatial_pad", SpatialPad(spatialSize: size, value: Float(try a.double("value"))))
      })
  }

  private mutating func installDatasets() {
    let spleenMap = DictBox()
    try? spleenMap.set(.int(1), .int(3))
    register(
      Builtin(
        "transforms",
        [
          Param("name", .string, "tutorial-train or tutorial-val"),
          Param("patch", .list, default: .list([.int(96), .int(96), .int(96)]), "crop size (tutorial-train)"),
          Param("samples", .int, default: .int(2), "crops per case (tutorial-train)"),
          Param("pixdim", .list, default: .list([.float(1.5), .float(1.5), .float(1.5)]), "target spacing, mm"),
          Param("label_map", .dict, default: .dict(spleenMap), "label remapping"),
        ],
        summary: "A named transform pipeline.", example: "pipe = transforms(\"tutorial-val\")"
      ) { a in
        let name = try a.string("name")
        let pixdim = try a.doubles("pixdim")
        guard pixdim.count == 3, pixdim.allSatisfy({ $0 > 0 }) else {
          throw RuntimeFailure("transforms: pixdim must be 3 positive values, got \(pixdim)", argument: "pixdim")
        }
        var map: [Int: Int] = [:]
        if case .dict(let box) = a.value("label_map") {
          for (k, v) in box.entries {
            guard case .int(let from) = k, case .int(let to) = v else {
              throw RuntimeFailure("transforms: label_map needs int keys and values", argument: "label_map")
            }
            map[from] = to
          }
        }
        switch name {
        case "tutorial-train":
          let patch = try a.ints("patch")
          guard patch.count == 3, patch.allSatisfy({ $0 > 0 }) else {
            throw RuntimeFailure("transforms: patch must be 3 positive sizes, got \(patch)", argument: "patch")
          }
          return .object(
            PipelineObject(
              Pipeline.tutorialTrain(pixdim: pixdim, patch: patch, numSamples: try a.int("samples"), labelMap: map)))
        case "tutorial-val":
          return .object(PipelineObject(Pipeline.tutorialVal(pixdim: pixdim, labelMap: map)))
        default:
          do {
            return .object(PipelineObject(try namedTransforms(name)))
          } catch {
            let hint = Suggestions.hint(for: name, in: ["tutorial-train", "tutorial-val"])
            throw RuntimeFailure("\(error)", help: hint, argument: "name")
          }
        }
      })
    register(
      Builtin(
        "dataset",
        [
          Param(
            "path", .oneOf([.string, .list]),
            "an MSD-style folder (dataset.json or imagesTr/ + labelsTr/), or a list of {image, label} dicts"),
          Param("split", .oneOf([.string, .number, .list]), default: .string("tutorial"),
            "\"tutorial\" (last 9 cases validate), \"random\", a validation fraction, or the validation case names"),
          Param("val_fraction", .number, default: .float(0.2), "validation share for split=\"random\""),
          Param("seed", .int, default: .int(0), "seed of the random split"),
        ],
        summary: "Open a dataset folder with a train / validation split.",
        example: "data = dataset(\"Task09_Spleen\", split=\"tutorial\")"
      ) { a in
        if case .list = a.value("path") { return .object(try makeDatasetObject(try datalist(a), a)) }
        let path = try a.string("path")
        let resolved = a.interpreter.resolvePath(path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDir), isDir.boolValue else {
          throw RuntimeFailure(
            "dataset: no such folder: \(path)\(resolved == path ? "" : " (looked in \(resolved))")",
            help:
              "give a Medical Segmentation Decathlon task folder (dataset.json, or imagesTr/ and labelsTr/), e.g. "
              + "Task09_Spleen; relative paths resolve against the script's folder; "
              + "synthetic_dataset(\"data/synth\") makes one to try things on",
            argument: "path")
        }
        return .object(try makeDatasetObject(try openDataset(resolved), a))
      })
    register(
      Builtin(
        "synthetic_dataset",
        [
          Param("path", .string, "folder to write (imagesTr/, labelsTr/, dataset.json)"),
          Param("cases", .int, default: .int(8)),
          Param("size", .list, default: .list([.int(96), .int(96), .int(64)]), "voxels per case"),
          Param("seed", .int, default: .int(0)),
          Param("split", .oneOf([.string, .number]), default: .string("random")),
          Param("val_fraction", .number, default: .float(0.2)),
          Param("liver", .bool, default: .bool(false), "also label the liver (2); off keeps crops on the spleen"),
        ],
        summary: "Write a small synthetic CT dataset (spleen = 1; liver = 2 with liver=true) and open it.",
        example: "data = synthetic_dataset(\"data/synth\", cases=8, size=[96, 96, 64], seed=0)"
      ) { a in
        let size = try a.ints("size")
        let seed = UInt64(truncatingIfNeeded: try a.int("seed"))
        let d = try syntheticDataset(
          a.interpreter.resolvePath(try a.string("path")), cases: try a.int("cases"), size: size, seed: seed,
          liver: try a.bool("liver"))
        return .object(try makeDatasetObject(d, a))
      })
  }

  private mutating func installDataMembers() {
    func vol(_ v: Value) -> Volume? { v.object(as: VolumeObject.self)?.volume }
    registerProperty(on: "Volume", Property("shape", "[C, X, Y, Z]") { v in
      .list((vol(v)?.shape ?? []).map { .int($0) })
    })
    registerProperty(on: "Volume", Property("spacing", "voxel size in mm per axis") { v in
      .list((vol(v)?.spacing ?? []).map { .float($0) })
    })
    registerProperty(on: "Volume", Property("affine", "4×4 voxel → world (mm) matrix, list of rows") { v in
      let m = vol(v)?.affine.m ?? []
      return .list(stride(from: 0, to: m.count, by: 4).map { r in .list(m[r..<(r + 4)].map { .float($0) }) })
    })
    registerProperty(on: "Volume", Property("dtype", "on-disk data type") { v in .string(vol(v)?.dtype ?? "") })
    registerProperty(on: "Volume", Property("axcodes", "orientation letters, e.g. RAS") { v in
      .string(vol(v)?.axcodes ?? "")
    })
    registerProperty(on: "Volume", Property("array", "the voxels as a Tensor [C, X, Y, Z]") { v in
      guard let t = vol(v)?.array else { return .nil }
      return .object(TensorObject(t))
    })

    func caseOf(_ v: Value) throws -> CaseObject {
      guard let c = v.object(as: CaseObject.self) else { throw RuntimeFailure("not a Case") }
      return c
    }
    registerProperty(on: "Case", Property("name", "case name") { v in .string(try caseOf(v).name) })
    registerProperty(on: "Case", Property("path", "the image file it was loaded from, or nil") { v in
      guard let url = try caseOf(v).item?.image else { return .nil }
      return .string(url.path)
    })
    registerProperty(on: "Case", Property("image", "the image Volume (loads the file)") { v in
      let c = try caseOf(v)
      return .object(VolumeObject(try c.load().image, preprocessed: c.preprocessed))
    })
    registerProperty(on: "Case", Property("label", "the label Volume, or nil") { v in
      let c = try caseOf(v)
      guard let l = try c.load().label else { return .nil }
      return .object(VolumeObject(l, preprocessed: c.preprocessed))
    })

    func data(_ v: Value) throws -> DatasetObject {
      guard let d = v.object(as: DatasetObject.self) else { throw RuntimeFailure("not a Dataset") }
      return d
    }
    registerProperty(on: "Dataset", Property("train", "training cases (loaded on use)") { v in
      let d = try data(v)
      return .list(d.train.map { .object(CaseObject(item: $0, labelMap: d.dataset.labelMap, labelNames: d.dataset.labelNames)) })
    })
    registerProperty(on: "Dataset", Property("val", "validation cases (loaded on use)") { v in
      let d = try data(v)
      return .list(d.val.map { .object(CaseObject(item: $0, labelMap: d.dataset.labelMap, labelNames: d.dataset.labelNames)) })
    })
    registerProperty(on: "Dataset", Property("size", "number of cases") { v in .int(try data(v).dataset.count) })
    registerProperty(on: "Dataset", Property("labels", "label value → name from dataset.json") { v in
      let names = try data(v).dataset.labelNames
      return try .dict(names.keys.sorted().map { (.int($0), .string(names[$0]!)) })
    })
    registerMethod(
      on: "Dataset",
      Builtin(
        "map_labels", [Param("mapping", .dict, "dataset label → VISTA3D class id")],
        summary: "Remap label values for training and validation (spleen 1 → 3).",
        example: "data.map_labels({1: 3})"
      ) { a in
        let d = try a.receiver(as: DatasetObject.self)
        guard case .dict(let box) = a.value("mapping") else { return .nil }
        var m: [Int: Int] = [:]
        for (k, v) in box.entries {
          guard case .int(let from) = k, case .int(let to) = v else {
            throw RuntimeFailure("map_labels: keys and values must be ints, got \(k.typeName): \(v.typeName)",
              argument: "mapping")
          }
          m[from] = to
        }
        d.dataset = d.dataset.mapLabels(m)
        return a.receiver ?? .nil
      })
    registerMethod(
      on: "Dataset",
      Builtin("__len__", [], summary: "Number of cases.") { a in
        .int(try a.receiver(as: DatasetObject.self).dataset.count)
      })

    registerMethod(
      on: "Pipeline",
      Builtin(
        "__call__", [Param("case", .any, "a Case or Volume"), Param("seed", .int, default: .int(0))],
        summary: "Run the pipeline on a case (random pipelines return a list of crops)."
      ) { a in
        let p = try a.receiver(as: PipelineObject.self).pipeline
        let input: Case
        switch a.value("case") {
        case .object(let c as CaseObject): input = try c.load()
        case let v:
          let (vol, _) = try volumeArgument(v, "case", callee: "pipeline")
          input = Case(name: vol.source ?? "volume", image: vol)
        }
        var rng = RandomGenerator(seed: UInt64(truncatingIfNeeded: try a.int("seed")))
        let out = try p(input, using: &rng)
        if p.deterministicCount == p.steps.count, out.count == 1 {
          return .object(CaseObject(out[0], preprocessed: true))
        }
        return .list(out.map { .object(CaseObject($0, preprocessed: true)) })
      })
    registerProperty(on: "Pipeline", Property("name", "pipeline name") { v in
      .string(v.object(as: PipelineObject.self)?.pipeline.name ?? "")
    })
  }
}

/// A dataset from `path=[{"image": …, "label": …}, …]` (MONAI's datalist); files must exist.
private func datalist(_ a: Arguments) throws -> Dataset {
  var items: [DataItem] = []
  for entry in try a.list("path") {
    guard case .dict(let box) = entry, case .string(let image)? = try box.get(.string("image")) else {
      throw RuntimeFailure(
        "dataset: each entry of the list must be a dict with an \"image\" path (and a \"label\"), got \(repr(entry))",
        argument: "path")
    }
    var label: String? = nil
    if case .string(let l)? = try box.get(.string("label")) { label = l }
    let resolvedImage = a.interpreter.resolvePath(image)
    try requireFile(image, resolved: resolvedImage, what: "dataset", argument: "path")
    var labelURL: URL? = nil
    if let label {
      let resolved = a.interpreter.resolvePath(label)
      try requireFile(label, resolved: resolved, what: "dataset", argument: "path")
      labelURL = URL(fileURLWithPath: resolved)
    }
    items.append(DataItem(image: URL(fileURLWithPath: resolvedImage), label: labelURL))
  }
  guard !items.isEmpty else { throw RuntimeFailure("dataset: the list of cases is empty", argument: "path") }
  return Dataset(items: items)
}

/// Builds the script dataset object with the split the arguments ask for.
private func makeDatasetObject(_ d: Dataset, _ a: Arguments) throws -> DatasetObject {
  let seed = UInt64(truncatingIfNeeded: try a.int("seed"))
  var fraction = try a.double("val_fraction")
  switch a.value("split") {
  case .string("tutorial"):
    do {
      let (t, v) = try d.tutorialSplit()
      return DatasetObject(d, train: t, val: v, splitName: "tutorial")
    } catch {
      throw RuntimeFailure(
        "\(error)", help: "use split=\"random\" (val_fraction=0.2) for a small dataset", argument: "split")
    }
  case .list(let box):
    var names: [String] = []
    for v in box.items {
      guard case .string(let n) = v else {
        throw RuntimeFailure("split: a list of validation case names (strings), got \(repr(v))", argument: "split")
      }
      names.append(n)
    }
    let known = Set(d.items.map(\.name))
    for n in names where !known.contains(n) {
      throw RuntimeFailure(
        "split: no case named \"\(n)\" in the dataset", help: Suggestions.hint(for: n, in: known.sorted()),
        argument: "split")
    }
    let val = Set(names)
    return DatasetObject(
      d, train: d.items.filter { !val.contains($0.name) }, val: d.items.filter { val.contains($0.name) },
      splitName: "\(names.count) named validation cases")
  case .string("random"): break
  case .string(let s):
    let hint = Suggestions.hint(for: s, in: ["tutorial", "random"])
    throw RuntimeFailure("split must be \"tutorial\", \"random\" or a fraction, got \"\(s)\"", help: hint,
      argument: "split")
  case let v: fraction = v.number ?? fraction
  }
  let (t, v) = try d.split(validationFraction: fraction, seed: seed)
  return DatasetObject(d, train: t, val: v, splitName: String(format: "random %.2g seed %d", fraction, Int(seed)))
}
