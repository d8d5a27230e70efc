import Foundation
import VistaCore

/// A VISTA3D network as scripts see it; prints as `VISTA3D vista3d132 · 218.0M params · fp32`.
public final class ModelObject: ScriptObject {
  /// The network.
  public let model: VISTA3D

  /// Wraps a network.
  public init(_ model: VISTA3D) { self.model = model }

  public var typeName: String { "Model" }
  public var summary: String { model.summary }
}

extension BuiltinRegistry {
  /// vista3d(), class_id(), class_name() and the Model members (issue 3 §5).
  mutating func installModel() {
    registerType("Model", summary: "A VISTA3D network: forward, segment, save, summary")
    register(
      Builtin(
        "vista3d",
        [
          Param("config", .string, default: .string("vista3d132"), "vista3d132, small or tiny"),
          Param("checkpoint", .optional(.string), default: Value.nil, "a .pt / .safetensors file to load"),
          Param("seed", .int, default: .int(0), "seed of the random initialisation"),
          Param("init_filters", .optional(.int), default: Value.nil, "channels of the first level"),
          Param("blocks", .optional(.list), default: Value.nil, "residual blocks per encoder level"),
          Param("strict", .bool, default: .bool(true), "refuse missing or unexpected checkpoint keys"),
        ],
        summary: "Build a VISTA3D network (random init, or loaded from a checkpoint).",
        example: "model = vista3d(checkpoint=\"model_vista3d.pt\")"
      ) { a in
        let name = try a.string("config")
        guard var config = VISTA3DConfig.named[name] else {
          let known = VISTA3DConfig.named.keys.sorted()
          throw RuntimeFailure(
            "vista3d: unknown config \"\(name)\" (known: \(known.joined(separator: ", ")))",
            help: Suggestions.hint(for: name, in: known), argument: "config")
        }
        if a.has("init_filters") {
          let f = try a.int("init_filters")
          guard f >= 2, f % 2 == 0 else {
            throw RuntimeFailure("vista3d: init_filters must be an even number ≥ 2, got \(f)", argument: "init_filters")
          }
          config.initFilters = f
          config.name = "\(name)-f\(f)"
        }
        if a.has("blocks") {
          let b = try a.ints("blocks")
          guard (2...6).contains(b.count), b.allSatisfy({ $0 >= 1 }) else {
            throw RuntimeFailure("vista3d: blocks needs 2 to 6 levels of ≥ 1 block, got \(b)", argument: "blocks")
          }
          config.blocksDown = b
          config.name = config.name + "-b" + b.map(String.init).joined()
        }
        if a.has("checkpoint") {
          let path = try a.string("checkpoint")
          let resolved = a.interpreter.resolvePath(path)
          try requireFile(
            path, resolved: resolved, what: "vista3d", argument: "checkpoint",
            help:
              "the official weights are NVIDIA's model_vista3d.pt (MONAI model zoo, vista3d bundle); relative "
              + "paths resolve against the script's folder; vista3d(\"small\") builds a random-init model instead")
          let model = VISTA3D(config, randomInit: false)
          let (_, notes) = try model.load(checkpoint: resolved, strict: try a.bool("strict"))
          for n in notes { a.interpreter.write("note: \(n)\n") }
          return .object(ModelObject(model))
        }
        let seed = UInt64(truncatingIfNeeded: try a.int("seed"))
        return .object(ModelObject(VISTA3D(config, seed: seed)))
      })
    register(
      Builtin(
        "class_id", [Param("name", .string, "a VISTA3D class name")],
        summary: "The VISTA3D class id of a name.", example: "class_id(\"spleen\")  # 3"
      ) { a in
        .int(try VistaLabels.id(try a.string("name")))
      })
    register(
      Builtin(
        "class_name", [Param("id", .int, "a VISTA3D class id")],
        summary: "The VISTA3D class name of an id.", example: "class_name(3)  # spleen"
      ) { a in
        .string(VistaLabels.name(try a.int("id")))
      })
    installModelMembers()
  }

  private mutating func installModelMembers() {
    func model(_ a: Arguments) throws -> VISTA3D { try a.receiver(as: ModelObject.self).model }
    let promptParams = [
      Param("classes", .optional(.list), default: Value.nil, "class ids to segment, e.g. [3]"),
      Param("points", .optional(.list), default: Value.nil, "[[x, y, z], …] or one such list per prompt"),
      Param("point_labels", .optional(.list), default: Value.nil, "1 positive / 0 negative per point"),
    ]
    registerProperty(on: "Model", Property("params", "number of parameters") { v in
      .int(v.object(as: ModelObject.self)?.model.parameterCount ?? 0)
    })
    registerProperty(on: "Model", Property("config", "configuration name") { v in
      .string(v.object(as: ModelObject.self)?.model.config.name ?? "")
    })
    registerMethod(
      on: "Model",
      Builtin(
        "forward",
        [Param("image", .any, "a Tensor [1, 1, H, W, D] (or [C, H, W, D]), Volume or Case")] + promptParams,
        summary: "Run the network once (no sliding window); returns logits [B, 1, H, W, D].",
        example: "logits = model.forward(image, classes=[3])"
      ) { a in
        let m = try model(a)
        var image: Tensor
        switch a.value("image") {
        case .object(let t as TensorObject): image = t.tensor
        case let v: image = try volumeArgument(v, "image", callee: "forward").0.array
        }
        if image.rank == 3 { image = try image.reshaped([1, 1] + image.shape) }
        if image.rank == 4 { image = try image.reshaped([1] + image.shape) }
        let classes = a.has("classes") ? try a.ints("classes") : nil
        let prompts = try pointPrompts(a)
        if classes == nil && prompts == nil {
          throw RuntimeFailure("forward: give classes=[…] or points=[…]", argument: "classes")
        }
        var pp: PointPrompts? = nil
        if let (points, labels) = prompts {
          let n = points.map(\.count).max() ?? 0
          var coords: [Float] = []
          var labs: [Int32] = []
          for (row, lrow) in zip(points, labels) {
            for i in 0..<n {
              coords += i < row.count ? row[i].map(Float.init) : [0, 0, 0]
              labs.append(i < row.count ? Int32(lrow[i]) : -1)
            }
          }
          pp = try PointPrompts(
            coords: try Tensor(shape: [points.count, n, 3], scalars: coords),
            labels: try IntTensor(shape: [points.count, n], scalars: labs))
        }
        let out = try GradMode.withNoGrad { try m(Variable(image), classes: classes, points: pp) }
        return .object(TensorObject(out.value))
      })
    registerMethod(
      on: "Model",
      Builtin(
        "segment",
        [Param("image", .any, "a Case, Volume or Tensor [C, X, Y, Z]")] + promptParams + [
          Param("roi", .optional(.list), default: Value.nil, "sliding-window size (default: covers small volumes, else 96³)"),
          Param("overlap", .number, default: .float(0.25), "sliding-window overlap"),
          Param("preprocess", .optional(.bool), default: Value.nil,
            "HU window + RAS + 1.5 mm first (default: unless the input came from a pipeline)"),
          Param("point_window", .optional(.bool), default: Value.nil,
            "with clicks, compute only roi windows centred on them; the rest is 255 (default: point-only prompts)"),
          Param("label_id", .int, default: .int(1), "the id a clicks-only result is labelled with (e.g. 3 = spleen)"),
        ],
        summary: "Sliding-window segmentation; returns a label Volume of class ids on the input's grid. "
          + "With a class and clicks, the clicks edit the class result in the connected regions they touch (as MONAI).",
        example: "seg = model.segment(case, classes=[3])"
      ) { a in
        let m = try model(a)
        let isTensor = a.value("image").object(as: TensorObject.self) != nil
        let (vol, already) = try volumeArgument(a.value("image"), "image", callee: "segment")
        let classes = a.has("classes") ? try a.ints("classes") : nil
        let prompts = try pointPrompts(a)
        if classes == nil && prompts == nil {
          throw RuntimeFailure("segment: give classes=[…] or points=[…]", argument: "classes")
        }
        if let p = prompts, p.0.count != 1 {
          throw RuntimeFailure("segment: one list of points ([[x, y, z], …]) per call", argument: "points")
        }
        var options = SegmentOptions()
        options.preprocess = a.has("preprocess") ? try a.bool("preprocess") : !already
        options.overlap = try a.double("overlap")
        if a.has("point_window") { options.pointWindow = try a.bool("point_window") }
        if a.has("roi") {
          let roi = try a.ints("roi")
          guard roi.count == 3, roi.allSatisfy({ $0 > 0 && $0 % 16 == 0 }) else {
            throw RuntimeFailure("segment: roi must be 3 multiples of 16, got \(roi)", argument: "roi")
          }
          options.roi = roi
        } else {
          options.roi = defaultROI(vol, preprocess: options.preprocess, pixdim: options.pixdim)
        }
        let points = prompts?.0[0].map { $0 }
        var seg = try segment(
          m, vol, classes: classes, points: points, pointLabels: prompts?.1[0], options: options)
        let labelID = try a.int("label_id")
        if classes == nil && labelID != 1 {
          guard (1..<256).contains(labelID) else {
            throw RuntimeFailure("segment: label_id must be in 1..255, got \(labelID)", argument: "label_id")
          }
          seg.labels.array = seg.labels.array.map { $0 == 1 ? Float(labelID) : $0 }
        }
        if isTensor { return .object(TensorObject(try seg.labels.array.reshaped(Array(seg.labels.shape.dropFirst())))) }
        // Back onto the input's grid so it overlays the image it came from.
        var labels = seg.labels
        if options.preprocess {
          labels = try ResampleToMatch(affine: vol.affine, spatialShape: vol.spatialShape, mode: .nearest)(labels)
          labels = try Volume(array: labels.array, affine: vol.affine, dtype: "uint8", source: vol.source)
        }
        return .object(VolumeObject(labels, preprocessed: already))
      })
    registerMethod(
      on: "Model",
      Builtin(
        "save", [Param("path", .string, ".pt (torch-loadable) or .safetensors")],
        summary: "Write the weights under MONAI's state_dict keys (atomically).",
        example: "model.save(\"finetuned.pt\")"
      ) { a in
        let path = try a.string("path")
        try model(a).save(a.interpreter.resolvePath(path))
        return .string(path)
      })
    registerMethod(
      on: "Model",
      Builtin("summary", [], summary: "A per-module parameter table.", example: "model.summary()") { a in
        let m = try model(a)
        var order: [String] = []
        var counts: [String: Int] = [:]
        for p in m.parameters {
          let parts = p.name.split(separator: ".")
          let key = parts.prefix(min(parts.count - 1, 2)).joined(separator: ".")
          if counts[key] == nil { order.append(key) }
          counts[key, default: 0] += p.value.count
        }
        let width = max(24, (order.map(\.count).max() ?? 0) + 2)
        var lines = [m.summary, "module".padding(toLength: width, withPad: " ", startingAt: 0) + "params"]
        for k in order {
          lines.append(k.padding(toLength: width, withPad: " ", startingAt: 0) + formatCount(counts[k]!))
        }
        lines.append("total".padding(toLength: width, withPad: " ", startingAt: 0) + formatCount(m.parameterCount))
        a.interpreter.write(lines.joined(separator: "\n") + "\n")
        return .nil
      })
  }
}

/// `12,345,678` with thousands separators.
func formatCount(_ n: Int) -> String {
  let s = String(n)
  var out = ""
  for (i, ch) in s.reversed().enumerated() {
    if i > 0 && i % 3 == 0 { out.append(",") }
    out.append(ch)
  }
  return String(out.reversed())
}

/// A cubic roi that covers a small (preprocessed) volume, in multiples of 16, at most 96.
func defaultROI(_ vol: Volume, preprocess: Bool, pixdim: [Double]) -> [Int] {
  let spacing = vol.spacing
  let dims = vol.spatialShape.enumerated().map { i, n in
    preprocess ? Int((Double(n) * spacing[i] / pixdim[i]).rounded(.up)) + 1 : n
  }
  let side = min(96, max(16, ((dims.max() ?? 16) + 15) / 16 * 16))
  return [side, side, side]
}

/// Parses `points=` / `point_labels=`: one prompt `[[x, y, z], …]` or several `[[[x, y, z], …], …]`.
func pointPrompts(_ a: Arguments) throws -> ([[[Double]]], [[Int]])? {
  guard a.has("points") else {
    if a.has("point_labels") {
      throw RuntimeFailure("point_labels given without points", argument: "point_labels")
    }
    return nil
  }
  func coords(_ v: Value) throws -> [Double] {
    guard case .list(let l) = v, l.items.count == 3, let c = Optional(l.items.compactMap(\.number)),
      c.count == 3
    else {
      throw RuntimeFailure("points: each point must be [x, y, z] (3 numbers), got \(repr(v))", argument: "points")
    }
    return c
  }
  let items = try a.list("points")
  var rows: [[[Double]]]
  if case .list(let first)? = items.first, case .list? = first.items.first {
    rows = try items.map { row in
      guard case .list(let l) = row else {
        throw RuntimeFailure("points: mix of points and prompt lists", argument: "points")
      }
      return try l.items.map(coords)
    }
  } else {
    rows = [try items.map(coords)]
  }
  var labels: [[Int]]
  if a.has("point_labels") {
    let l = try a.list("point_labels")
    if case .list? = l.first {
      labels = try l.map { row in
        guard case .list(let r) = row else { throw RuntimeFailure("point_labels: mix of ints and lists", argument: "point_labels") }
        return try r.items.map { v in
          guard case .int(let i) = v else { throw RuntimeFailure("point_labels must be ints", argument: "point_labels") }
          return i
        }
      }
    } else {
      labels = [try a.ints("point_labels")]
    }
  } else {
    labels = rows.map { [Int](repeating: 1, count: $0.count) }
  }
  guard labels.count == rows.count, zip(labels, rows).allSatisfy({ $0.count == $1.count }) else {
    throw RuntimeFailure(
      "point_labels \(labels.map(\.count)) do not match points \(rows.map(\.count)) (one label per point)",
      argument: "point_labels")
  }
  for l in labels.joined() where !(0...3).contains(l) {
    throw RuntimeFailure("point_labels must be 0/1 (2/3 for special classes), got \(l)", argument: "point_labels")
  }
  return (rows, labels)
}
