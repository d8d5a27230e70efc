/// MONAI's `VistaPostTransform` on logits without point filtering.
///
/// logits: `[K, spatial…]` (one channel per prompted object). One object → 1 where logit > 0;
/// several → argmax over objects + 1 (first maximum wins), 0 where every logit ≤ 0. The values
/// 1…K are then mapped to `labelPrompt` (global class ids, which must not contain 0) when given.
/// A voxel whose logits are all NaN was not computed (outside the point windows) and becomes
/// `notComputedLabel` (255, the bundle's NaN → 255).
/// Without `labelPrompt` but with clicks (`points` `[K, N, 3]`, `pointLabels` `[K, N]`), components
/// without a positive click are removed first (`keepComponentsWithPositivePoints`), as MONAI does.
/// Returns `[1, spatial…]`.
public func vistaPostProcess(
  _ logits: Tensor, labelPrompt: [Int]? = nil, points: Tensor? = nil, pointLabels: IntTensor? = nil
) throws -> IntTensor {
  guard logits.rank >= 2, logits.shape[0] > 0, logits.count > 0 else {
    throw VistaError.badShape("vistaPostProcess", logits.shape, expected: "logits [K, spatial…] with K ≥ 1")
  }
  if labelPrompt == nil, let points {
    guard let pointLabels else {
      throw VistaError("vistaPostProcess: points were given without pointLabels")
    }
    let kept = try keepComponentsWithPositivePoints(logits, points: points, pointLabels: pointLabels)
    return try vistaPostProcess(kept)
  }
  let k = logits.shape[0]
  let ids: [Int32]
  if let labelPrompt {
    guard labelPrompt.count == k else {
      throw VistaError(
        "vistaPostProcess: \(k) logit channels but \(labelPrompt.count) class ids in labelPrompt")
    }
    guard !labelPrompt.contains(0) else {
      throw VistaError(
        "vistaPostProcess: class 0 (background) cannot be a prompt; remove it from the class list")
    }
    ids = labelPrompt.map { Int32($0) }
  } else {
    ids = (1...k).map { Int32($0) }
  }
  let s = logits.count / k
  let out = [Int32](unsafeUninitializedCapacity: s) { ob, initialized in
    logits.withUnsafeBufferPointer { lb in
      let (lp, op) = (lb.baseAddress!, ob.baseAddress!)
      parallelRanges(s, minChunk: 1 << 15) { r in
        if k == 1 {
          let id = ids[0]
          for v in r {  // selects, vectorised
            let x = lp[v]
            op[v] = x > 0 ? id : (x != x ? notComputedLabel : 0)
          }
          return
        }
        for v in r {
          var best: Float = 0
          var arg = -1
          var computed = false
          for c in 0..<k {
            let x = lp[c &* s &+ v]
            computed = computed || x == x
            if x > best {
              best = x
              arg = c
            }
          }
          op[v] = arg >= 0 ? ids[arg] : (computed ? 0 : notComputedLabel)
        }
      }
    }
    initialized = s
  }
  return try IntTensor(shape: [1] + Array(logits.shape.dropFirst()), scalars: out)
}

/// The label of voxels the inference did not compute (MONAI bundle: NaN → 255; uint8, so class
/// ids stay below it).
public let notComputedLabel: Int32 = 255
