/// An sRGB colour with straight (not premultiplied) alpha, 8 bits per channel.
public struct Color: Equatable, Hashable, Sendable {
  /// Red 0…255.
  public var r: UInt8
  /// Green 0…255.
  public var g: UInt8
  /// Blue 0…255.
  public var b: UInt8
  /// Alpha 0 (transparent) … 255 (opaque).
  public var a: UInt8

  /// Creates a colour from 8-bit channels.
  public init(r: UInt8, g: UInt8, b: UInt8, a: UInt8 = 255) {
    self.r = r
    self.g = g
    self.b = b
    self.a = a
  }

  /// Creates a colour from a `0xRRGGBB` literal, e.g. `Color(hex: 0x1f77b4)`.
  public init(hex: UInt32, alpha: Double = 1) {
    r = UInt8((hex >> 16) & 0xff)
    g = UInt8((hex >> 8) & 0xff)
    b = UInt8(hex & 0xff)
    a = Color.byte(alpha)
  }

  /// Creates a colour from components in 0…1 (clamped).
  public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
    r = Color.byte(red)
    g = Color.byte(green)
    b = Color.byte(blue)
    a = Color.byte(alpha)
  }

  /// The same colour with alpha replaced by `alpha` (0…1).
  public func withAlpha(_ alpha: Double) -> Color {
    Color(r: r, g: g, b: b, a: Color.byte(alpha))
  }

  /// Linear mix: `self` at t = 0, `other` at t = 1.
  public func mixed(with other: Color, _ t: Double) -> Color {
    func m(_ x: UInt8, _ y: UInt8) -> UInt8 {
      UInt8((Double(x) * (1 - t) + Double(y) * t).rounded().clamped(0, 255))
    }
    return Color(r: m(r, other.r), g: m(g, other.g), b: m(b, other.b), a: m(a, other.a))
  }

  static func byte(_ v: Double) -> UInt8 { UInt8((v * 255).rounded().clamped(0, 255)) }

  /// Opaque white.
  public static let white = Color(r: 255, g: 255, b: 255)
  /// Opaque black.
  public static let black = Color(r: 0, g: 0, b: 0)
  /// Fully transparent.
  public static let clear = Color(r: 0, g: 0, b: 0, a: 0)
}

extension Comparable {
  /// `self` limited to lo…hi.
  func clamped(_ lo: Self, _ hi: Self) -> Self { min(max(self, lo), hi) }
}
