import Foundation

/// A seedable, portable random generator (xoshiro256**, seeded through SplitMix64).
///
/// Same seed ⇒ same numbers on every machine. The state is plain data so a training run can save
/// and restore it. Pass it explicitly (`using: &rng`); there is no global generator.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable, Codable {
  /// The four 64-bit words of xoshiro256** state.
  public var state: [UInt64]

  /// Creates a generator from a seed; equal seeds give equal streams.
  public init(seed: UInt64) {
    var s = seed
    var words = [UInt64]()
    for _ in 0..<4 { words.append(RandomGenerator.splitMix64(&s)) }
    state = words
  }

  /// The SplitMix64 step, used for seeding.
  static func splitMix64(_ s: inout UInt64) -> UInt64 {
    s &+= 0x9E37_79B9_7F4A_7C15
    var z = s
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  @inline(__always) static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = RandomGenerator.rotl(state[1] &* 5, 7) &* 9
    let t = state[1] << 17
    state[2] ^= state[0]
    state[3] ^= state[1]
    state[1] ^= state[2]
    state[0] ^= state[3]
    state[2] ^= t
    state[3] = RandomGenerator.rotl(state[3], 45)
    return result
  }

  /// A uniform Float in [0, 1) with 24 random bits.
  public mutating func nextUniform() -> Float {
    Float(next() >> 40) * (1.0 / 16_777_216.0)
  }

  /// A uniform Double in [0, 1) with 53 random bits.
  public mutating func nextDouble() -> Double {
    Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
  }

  /// A standard normal sample (Box–Muller in Double, so every platform agrees).
  public mutating func nextNormal() -> Float {
    var u1 = nextDouble()
    while u1 <= 0 { u1 = nextDouble() }
    let u2 = nextDouble()
    return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
  }

  /// A uniform integer in `0..<upperBound` (unbiased).
  public mutating func nextInt(below upperBound: Int) -> Int {
    Int(next(upperBound: UInt64(upperBound)))
  }
}

