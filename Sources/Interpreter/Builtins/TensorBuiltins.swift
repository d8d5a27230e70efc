import Foundation
import VistaCore

/// A tensor as scripts see it: `.shape`, `.mean()`, `.sum()`, printing as `Tensor [2, 3] · mean 0.5`.
public final class TensorObject: ScriptObject {
  /// The wrapped tensor.
  public var tensor: Tensor

  /// Wraps a tensor.
  public init(_ tensor: Tensor) { self.tensor = tensor }

  public var typeName: String { "Tensor" }

  public var summary: String {
    var s = "Tensor \(formatShape(tensor.shape)) float32"
    if tensor.count > 0 {
      let mean = tensor.sum() / Double(tensor.count)
      s += String(format: " · mean %.4g", mean)
    }
    if tensor.count <= 8 {
      s +=
        " · [" + tensor.scalars.map { String(format: "%.4g", Double($0)) }.joined(separator: ", ")
        + "]"
    }
    return s
  }
}

extension BuiltinRegistry {
  /// load_npy, save_npy, zeros, ones, rand, tensor and the Tensor methods.
  mutating func installTensors() {
    registerType("Tensor", summary: "An n-d float32 array (row-major), e.g. from load_npy or zeros")
    let maxElements = 1 << 30
    func shape(_ a: Arguments, _ name: String) throws -> [Int] {
      let s = try a.ints(name)
      if s.contains(where: { $0 < 0 }) {
        throw RuntimeFailure("shape \(formatShape(s)) has a negative size", argument: name)
      }
      var n = 1
      for d in s {
        let (p, o) = n.multipliedReportingOverflow(by: d)
        if o || p > maxElements {
          throw RuntimeFailure("shape \(formatShape(s)) is too large", argument: name)
        }
        n = p
      }
      return s
    }
    func tensor(_ a: Arguments) throws -> Tensor { try a.receiver(as: TensorObject.self).tensor }

    register(
      Builtin(
        "load_npy", [Param("path", .string, "a .npy file (float or int)")],
        summary: "Load a .npy file as a Tensor.", example: "t = load_npy(\"image.npy\")"
      ) { a in
        let path = try a.string("path")
        let url = URL(fileURLWithPath: a.interpreter.resolvePath(path))
        return .object(TensorObject(try NPY.readTensor(url)))
      })
    register(
      Builtin(
        "save_npy", [Param("t", .any, "a Tensor or Volume"), Param("path", .string)],
        summary: "Write a Tensor (or a Volume's array) as a float32 .npy file.",
        example: "save_npy(t, \"out.npy\")"
      ) { a in
        let t: Tensor
        switch a.value("t") {
        case .object(let o as TensorObject): t = o.tensor
        case .object(let o as VolumeObject): t = o.volume.array
        case let v:
          throw RuntimeFailure(
            "argument 't' of save_npy() must be a Tensor or Volume, got \(v.typeName)", argument: "t")
        }
        let url = URL(fileURLWithPath: a.interpreter.resolvePath(try a.string("path")))
        try NPY.write(t, to: url)
        return .nil
      })
    register(
      Builtin(
        "zeros", [Param("shape", .list, "sizes, e.g. [2, 3]")], summary: "A Tensor of zeros.",
        example: "zeros([2, 3])"
      ) { a in
        .object(TensorObject(Tensor(zeros: try shape(a, "shape"))))
      })
    register(
      Builtin("ones", [Param("shape", .list, "sizes, e.g. [2, 3]")], summary: "A Tensor of ones.") {
        a in
        .object(TensorObject(Tensor(repeating: 1, shape: try shape(a, "shape"))))
      })
    register(
      Builtin(
        "rand",
        [Param("shape", .list, "sizes"), Param("seed", .int, default: .int(0), "random seed")],
        summary: "Uniform [0, 1) samples (seeded, reproducible).", example: "rand([4, 4], seed=1)"
      ) { a in
        var rng = RandomGenerator(seed: UInt64(truncatingIfNeeded: try a.int("seed")))
        return .object(TensorObject(Tensor.uniform(try shape(a, "shape"), using: &rng)))
      })
    register(
      Builtin(
        "tensor",
        [
          Param("values", .list, "numbers (flat)"),
          Param("shape", .optional(.list), default: Value.nil),
        ], summary: "A Tensor from a list of numbers.",
        example: "tensor([1, 2, 3, 4], shape=[2, 2])"
      ) { a in
        let values = try a.doubles("values").map(Float.init)
        let s = a.has("shape") ? try shape(a, "shape") : [values.count]
        return .object(TensorObject(try Tensor(shape: s, scalars: values)))
      })

    registerProperty(
      on: "Tensor",
      Property("shape", "sizes per dimension") { v in
        guard let t = v.object(as: TensorObject.self) else { return .nil }
        return .list(t.tensor.shape.map { .int($0) })
      })
    registerProperty(
      on: "Tensor",
      Property("size", "number of elements") { v in
        .int(v.object(as: TensorObject.self)?.tensor.count ?? 0)
      })
    registerMethod(
      on: "Tensor",
      Builtin("sum", [], summary: "Sum of all elements (accumulated in double).") { a in
        .float(try tensor(a).sum())
      })
    registerMethod(
      on: "Tensor",
      Builtin("mean", [], summary: "Mean of all elements.") { a in
        let t = try tensor(a)
        if t.count == 0 { throw RuntimeFailure("mean() of an empty tensor") }
        return .float(t.sum() / Double(t.count))
      })
    registerMethod(
      on: "Tensor",
      Builtin("max", [], summary: "Largest element.") { a in
        guard let m = try tensor(a).scalars.max() else {
          throw RuntimeFailure("max() of an empty tensor")
        }
        return .float(Double(m))
      })
    registerMethod(
      on: "Tensor",
      Builtin("min", [], summary: "Smallest element.") { a in
        guard let m = try tensor(a).scalars.min() else {
          throw RuntimeFailure("min() of an empty tensor")
        }
        return .float(Double(m))
      })
    registerMethod(
      on: "Tensor",
      Builtin(
        "reshape", [Param("shape", .list, "new sizes; one may be -1")],
        summary: "Same data, new shape."
      ) { a in
        .object(TensorObject(try tensor(a).reshaped(try a.ints("shape"))))
      })
    registerMethod(
      on: "Tensor",
      Builtin("tolist", [], summary: "The elements as a flat list of floats.") { a in
        let t = try tensor(a)
        if t.count > 1_000_000 {
          throw RuntimeFailure("tolist() of \(t.count) elements is too large")
        }
        return .list(t.scalars.map { .float(Double($0)) })
      })
    registerMethod(
      on: "Tensor",
      Builtin(
        "__getitem__", [Param("index", .any)], summary: "Element at a flat index or an index list."
      ) { a in
        let t = try tensor(a)
        switch a.value("index") {
        case .int(let i):
          let p = i < 0 ? t.count + i : i
          guard p >= 0 && p < t.count else {
            throw RuntimeFailure("index \(i) out of range for \(t.count) elements")
          }
          return .float(Double(t.scalars[p]))
        case .list:
          let idx = try a.ints("index")
          guard let v = t.value(at: idx) else {
            throw RuntimeFailure(
              "index \(formatShape(idx)) out of range for shape \(formatShape(t.shape))")
          }
          return .float(Double(v))
        case let v:
          throw RuntimeFailure("a Tensor index must be an int or a list of ints, got \(v.typeName)")
        }
      })
    let ops: [(String, (Float, Float) -> Float)] = [
      ("__add__", (+)), ("__sub__", (-)), ("__mul__", (*)), ("__div__", (/)),
    ]
    for (name, f) in ops {
      registerMethod(
        on: "Tensor",
        Builtin(
          name, [Param("other", .any), Param("reflected", .bool, default: .bool(false))],
          summary: "Elementwise arithmetic with a Tensor of the same shape or a number."
        ) { a in
          let t = try tensor(a)
          let reflected = try a.bool("reflected")
          switch a.value("other") {
          case .object(let o as TensorObject):
            guard o.tensor.shape == t.shape else {
              throw VistaError.shapeMismatch(
                name.trimmingCharacters(in: ["_"]), t.shape, o.tensor.shape)
            }
            return .object(
              TensorObject(
                try Tensor(
                  shape: t.shape, scalars: zip(t.scalars, o.tensor.scalars).map { f($0, $1) })))
          case let v:
            guard let d = v.number else {
              throw RuntimeFailure("cannot combine a Tensor with \(v.typeName)")
            }
            let s = Float(d)
            return .object(TensorObject(t.map { reflected ? f(s, $0) : f($0, s) }))
          }
        })
    }
  }
}
