/// MONAI's `VistaPostTransform` on logits without point filtering.
///
/// logits: `[K, spatial…]` (one channel per prompted object). One object → 1 where logit > 0;
/// several → argmax over objects + 1 (first maximum wins), 0 where every logit ≤ 0. The values
/// 1…K are then mapped to `labelPrompt` (global class ids, which must not contain 0) when given.
/// Returns `[1, spatial…]`.
public func vistaPostProcess(_ logits: Tensor, labelPrompt: [Int]? = nil) throws -> IntTensor {
  guard logits.rank >= 2, logits.shape[0] > 0 else {
    throw VistaError.badShape("vistaPostProcess", logits.shape, expected: "logits [K, spatial…] with K ≥ 1")
  }
  let k = logits.shape[0]
  let ids: [Int32]
  if let labelPrompt {
    guard labelPrompt.count == k else {
      throw VistaError("vistaPostProcess: \(k) logit channels but \(labelPrompt.count) class ids in labelPrompt")
    }
    guard !labelPrompt.contains(0) else {
      throw VistaError("vistaPostProcess: class 0 (background) cannot be a prompt; remove it from the class list")
    }
    ids = labelPrompt.map { Int32($0) }
  } else {
    ids = (1...k).map { Int32($0) }
  }
  let s = logits.count / k
  var out = [Int32](repeating: 0, count: s)
  logits.withUnsafeBufferPointer { lb in
    for v in 0..<s {
      var best: Float = 0
      var arg = -1
      for c in 0..<k {
        let x = lb[c * s + v]
        if x > best {
          best = x
          arg = c
        }
      }
      if arg >= 0 { out[v] = ids[arg] }
    }
  }
  return try IntTensor(shape: [1] + Array(logits.shape.dropFirst()), scalars: out)
}
