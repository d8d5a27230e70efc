import Foundation

/// MONAI's ScaleIntensityRange: y = (x − a_min) / (a_max − a_min) · (b_max − b_min) + b_min, optionally clipped.
///
/// Computed in Float32 in the same order as MONAI's torch ops.
public struct ScaleIntensityRange: Transform {
  public var aMin: Double, aMax: Double, bMin: Double, bMax: Double
  public var clip: Bool

  /// MONAI's argument names and defaults (clip = false).
  public init(aMin: Double, aMax: Double, bMin: Double, bMax: Double, clip: Bool = false) {
    (self.aMin, self.aMax, self.bMin, self.bMax, self.clip) = (aMin, aMax, bMin, bMax, clip)
  }

  public func callAsFunction(_ volume: Volume) throws -> Volume {
    let lo = Float(aMin)
    let range = Float(aMax - aMin)
    let outRange = Float(bMax - bMin)
    let b0 = Float(bMin)
    let (cLo, cHi) = (Float(min(bMin, bMax)), Float(max(bMin, bMax)))
    let clip = self.clip
    let degenerate = aMax - aMin == 0
    var out = volume.array
    out.withUnsafeMutableBufferPointer { buf in
      let p = buf.baseAddress!
      parallelRanges(buf.count, minChunk: 1 << 16) { r in
        for i in r {
          if degenerate {
            p[i] = p[i] - lo
            continue
          }
          var v = (p[i] - lo) / range
          v = v * outRange + b0
          if clip { v = min(max(v, cLo), cHi) }
          p[i] = v
        }
      }
    }
    return volume.with(array: out, dtype: "float32")
  }

  public var description: String {
    "ScaleIntensityRange(a_min=\(fmt(aMin)), a_max=\(fmt(aMax)), b_min=\(fmt(bMin)), b_max=\(fmt(bMax)), clip=\(clip))"
  }
}

/// MONAI's MapLabelValue / VISTA3D's Relabeld: replaces listed label values (e.g. `[1: 3]`), others unchanged.
public struct MapLabels: Transform {
  /// original value → new value.
  public var mapping: [Int: Int]

  /// A label lookup; values not in `mapping` stay.
  public init(_ mapping: [Int: Int]) { self.mapping = mapping }

  public func callAsFunction(_ volume: Volume) throws -> Volume {
    let table = mapping.map { (Float($0.key), Float($0.value)) }
    let out = volume.array.map { v in
      for (k, t) in table where v == k { return t }
      return v
    }
    return volume.with(array: out, dtype: "uint8")
  }

  public var description: String {
    "MapLabels({" + mapping.keys.sorted().map { "\($0): \(mapping[$0]!)" }.joined(separator: ", ")
      + "})"
  }
}

/// A compact number for descriptions: integers without ".0".
func fmt(_ v: Double) -> String {
  v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
}
