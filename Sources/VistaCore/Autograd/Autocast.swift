/// Mixed precision as `torch.autocast`: matmul-like ops compute on 16-bit inputs and save 16-bit
/// activations for backward; everything else stays float32.
///
/// Inside `Autocast.with(.bf16) { … }` the ops conv3d, convTranspose3d, linear, matmul (so attention)
/// and channelDot round their inputs (activation, weight and bias) to the 16-bit format, multiply
/// with float32 accumulation (sgemm) and round the output to the format — the values
/// `torch.autocast("cpu", dtype=torch.bfloat16)` produces (a bf16 conv returns bf16). Values flow
/// between ops as float32 tensors holding 16-bit-representable numbers; norms, softmax, losses and
/// reductions compute in float32 (torch's fp32 list). What an op saves for backward is stored packed
/// (`PackedTensor`, 2 bytes a value), which is where the memory goes in training. Gradients are
/// float32 throughout, so weight gradients, master weights and the optimizer stay float32.
///
/// The setting is task-local (like `GradMode`) and read when an op runs forward: a pullback keeps the
/// precision of its forward, so `backward()` may run outside the scope.
public enum Autocast {
  /// The active 16-bit format, nil outside any autocast scope (float32 compute).
  @TaskLocal public static var precision: HalfPrecision? = nil

  /// Runs `body` with matmul-like ops in `precision` (nil = float32, e.g. to opt out inside a scope).
  public static func with<T>(_ precision: HalfPrecision?, _ body: () throws -> T) rethrows -> T {
    try $precision.withValue(precision, operation: body)
  }
}

/// The 16-bit floating-point formats autocast computes and stores in.
public enum HalfPrecision: String, Sendable, Codable, CaseIterable {
  /// bfloat16: float32's exponent range, 8 significant bits (torch's CPU autocast default).
  case bf16
  /// IEEE half: 11 significant bits, max 65504 (overflows become ±inf; use a GradScaler).
  case fp16

  /// Parses "bf16"/"bfloat16" or "fp16"/"float16"/"half"; the error lists the accepted names.
  public init(named name: String) throws {
    switch name.lowercased() {
    case "bf16", "bfloat16": self = .bf16
    case "fp16", "float16", "half": self = .fp16
    default: throw VistaError("amp_dtype: expected \"bf16\" or \"fp16\", got \"\(name)\"")
    }
  }
}

/// An activation saved for backward: float32, or packed to 16 bits under autocast.
enum SavedTensor {
  case full(Tensor)
  case packed(PackedTensor)

  /// Saves `t`, packed when `precision` is set; `t` must already be exactly representable in it.
  init(_ t: Tensor, packedAs precision: HalfPrecision?) {
    if let precision {
      self = .packed(PackedTensor(t, precision))
    } else {
      self = .full(t)
    }
  }

  /// The float32 values (a fresh tensor when packed).
  var tensor: Tensor {
    switch self {
    case .full(let t): return t
    case .packed(let p): return p.unpacked()
    }
  }

  /// The bytes this saved tensor holds.
  var byteCount: Int {
    switch self {
    case .full(let t): return t.count * MemoryLayout<Float>.size
    case .packed(let p): return p.byteCount
    }
  }
}

/// Accumulates the bytes that ops save for backward while `SavedActivations.measure` runs.
public final class SavedActivationMeter: @unchecked Sendable {
  /// Bytes saved so far (activations only: weights captured by reference are not counted).
  public private(set) var bytes = 0
  /// Saved tensors counted so far.
  public private(set) var tensors = 0

  func add(_ b: Int) {
    bytes += b
    tensors += 1
  }
}

/// A probe of what the tape holds: the activations conv3d, convTranspose3d, linear, matmul,
/// channelDot and instanceNorm save for backward (what autocast packs).
public enum SavedActivations {
  @TaskLocal static var meter: SavedActivationMeter? = nil

  /// Runs `body` and returns its result with the activation bytes the ops it ran saved.
  public static func measure<T>(_ body: () throws -> T) rethrows -> (result: T, bytes: Int) {
    let m = SavedActivationMeter()
    let r = try $meter.withValue(m, operation: body)
    return (r, m.bytes)
  }

  /// Counts `saved` when an op over `inputs` records (grad mode on, some input requires grad).
  @inline(__always)
  static func note(_ saved: SavedTensor?, inputs: [Variable]) {
    guard let m = meter, let saved, GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else {
      return
    }
    m.add(saved.byteCount)
  }
}

extension Tensor {
  /// The values rounded to `precision` (nearest even) and widened back; self when nil.
  func autocast(_ precision: HalfPrecision?) -> Tensor {
    guard let precision, count > 0 else { return self }
    return Tensor(shape: shape) { out in
      withUnsafeBufferPointer { src in
        roundToHalf(src.baseAddress!, out.baseAddress!, count: count, precision)
      }
    }
  }

  /// Rounds the values to `precision` in place (no-op when nil).
  mutating func roundInPlace(_ precision: HalfPrecision?) {
    guard let precision, count > 0 else { return }
    let n = count
    withUnsafeMutableBufferPointer { p in roundToHalf(p.baseAddress!, p.baseAddress!, count: n, precision) }
  }

  /// True when every value is exactly representable in `precision` (a packed copy loses nothing).
  func isExactly(_ precision: HalfPrecision) -> Bool {
    count == 0 || withUnsafeBufferPointer { isHalfExact($0.baseAddress!, count: count, precision) }
  }
}
