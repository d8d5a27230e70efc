import Foundation
import VistaCore

extension BuiltinRegistry {
  /// dice() and next_click(): score a segmentation against its label, and place the click a user
  /// would make next (the research code's iterative-click evaluation, issue 8 §3).
  mutating func installClicks() {
    let classParam = Param("class_id", .int, default: .int(3), "the VISTA3D class to score (3 = spleen)")
    register(
      Builtin(
        "dice",
        [
          Param("prediction", .any, "a label Volume (e.g. model.segment(…)) or Tensor"),
          Param("label", .any, "ground truth: a Case (its label), Volume or Tensor"),
          classParam,
        ],
        summary: "Binary Dice of one class, 2|P∩G| / (|P|+|G|), on the label's grid (nan when both are empty).",
        example: "print(\"{dice(seg, case, class_id=3):.3f}\")"
      ) { a in
        let (p, g, _) = try classMasks(a, callee: "dice")
        var inter = 0
        var np = 0
        var ng = 0
        for i in 0..<g.count {
          if p[i] { np += 1 }
          if g[i] {
            ng += 1
            if p[i] { inter += 1 }
          }
        }
        return .float(np + ng == 0 ? .nan : 2 * Double(inter) / Double(np + ng))
      })
    register(
      Builtin(
        "next_click",
        [
          Param("prediction", .any, "the current result (a label Volume or Tensor), or nil before any"),
          Param("label", .any, "ground truth: a Case (its label), Volume or Tensor"),
          classParam,
          Param("kind", .string, default: .string("auto"),
            "positive (inside a miss), negative (inside a leak) or auto (the larger error)"),
        ],
        summary:
          "Where a user would click next: deep inside the largest missed (positive) or leaked (negative) "
          + "region; {point: [x, y, z], label: 1|0, voxels: n} in the label's voxels, or nil.",
        example: "c = next_click(seg, case, kind=\"negative\")"
      ) { a in
        let (p, g, shape) = try classMasks(a, callee: "next_click")
        let kind = try a.string("kind")
        let kinds = ["auto", "positive", "negative"]
        guard kinds.contains(kind) else {
          throw RuntimeFailure(
            "next_click: kind must be auto, positive or negative, got \"\(kind)\"",
            help: Suggestions.hint(for: kind, in: kinds), argument: "kind")
        }
        let missed = zip(g, p).map { $0 && !$1 }
        let leaked = zip(p, g).map { $0 && !$1 }
        var candidates: [(mask: [Bool], label: Int)] = []
        if kind != "negative" { candidates.append((missed, 1)) }
        if kind != "positive" { candidates.append((leaked, 0)) }
        var best: (region: [Bool], size: Int, label: Int)? = nil
        for c in candidates where c.mask.contains(true) {
          let region = try largestConnectedComponent(c.mask, shape: shape)
          let size = region.reduce(0) { $0 + ($1 ? 1 : 0) }
          if best == nil || size > best!.size { best = (region, size, c.label) }
        }
        guard let best else { return .nil }
        let point = try deepestVoxel(best.region, shape: shape)
        return try .dict([
          (.string("point"), .ints(point)), (.string("label"), .int(best.label)),
          (.string("voxels"), .int(best.size)),
        ])
      })
  }
}

/// The prediction and label masks of `class_id` on the label's grid, and that grid's shape.
private func classMasks(_ a: Arguments, callee: String) throws -> ([Bool], [Bool], [Int]) {
  let c = Float(try a.int("class_id"))
  let label = try labelVolume(a.value("label"), "label", callee: callee)
  let shape = label.spatialShape
  let n = shape.elementCount
  let g = label.array.scalars.prefix(n).map { $0.rounded() == c }
  let pv = a.value("prediction")
  if case .nil = pv { return ([Bool](repeating: false, count: n), g, shape) }
  var pred: Volume
  if case .object(let t as TensorObject) = pv {
    guard t.tensor.count == n else {
      throw RuntimeFailure(
        "\(callee): prediction \(formatShape(t.tensor.shape)) does not match the label \(formatShape(shape))",
        argument: "prediction")
    }
    return (t.tensor.scalars.map { $0.rounded() == c }, g, shape)
  }
  pred = try labelVolume(pv, "prediction", callee: callee)
  if pred.spatialShape != shape || !pred.affine.isClose(to: label.affine, atol: 1e-4) {
    pred = try ResampleToMatch(affine: label.affine, spatialShape: shape, mode: .nearest)(pred)
  }
  return (pred.array.scalars.prefix(n).map { $0.rounded() == c }, g, shape)
}

/// A label map from a Case (its label), a Volume or a Tensor.
private func labelVolume(_ v: Value, _ name: String, callee: String) throws -> Volume {
  if case .object(let c as CaseObject) = v {
    guard let l = try c.load().label else {
      throw RuntimeFailure("\(callee): case \(c.name) has no label", argument: name)
    }
    return l
  }
  return try volumeArgument(v, name, callee: callee).0
}

/// The voxel of `mask` farthest inside it: erode until one more erosion would empty it, then take
/// the remaining voxel nearest the remainder's centroid (ties: first in raster order).
/// mask: `[X, Y, Z]` row-major with at least one voxel set.
func deepestVoxel(_ mask: [Bool], shape: [Int]) throws -> [Int] {
  var core = mask
  for _ in 0..<64 {
    let e = try erode(core, shape: shape)
    if !e.contains(true) { break }
    core = e
  }
  let (ny, nz) = (shape[1], shape[2])
  var sum = [0.0, 0.0, 0.0]
  var count = 0.0
  for i in core.indices where core[i] {
    sum[0] += Double(i / (ny * nz))
    sum[1] += Double(i / nz % ny)
    sum[2] += Double(i % nz)
    count += 1
  }
  let centre = sum.map { $0 / count }
  var best = [0, 0, 0]
  var bestDistance = Double.infinity
  for i in core.indices where core[i] {
    let p = [i / (ny * nz), i / nz % ny, i % nz]
    let d = zip(p, centre).reduce(0.0) { $0 + (Double($1.0) - $1.1) * (Double($1.0) - $1.1) }
    if d < bestDistance {
      bestDistance = d
      best = p
    }
  }
  return best
}
