import Testing

@testable import Plot

@Suite struct ColormapTests {
  @Test func grayEndpointsAreBlackAndWhite() {
    #expect(Colormap.gray.color(at: 0) == .black)
    #expect(Colormap.gray.color(at: 1) == .white)
    #expect(Colormap.gray.color(at: -3) == .black)
    #expect(Colormap.gray.color(at: .nan) == .black)
  }

  @Test func viridisMatchesMatplotlibEndsAndMiddle() {
    // matplotlib: viridis(0) = #440154, viridis(1) = #fde725, viridis(0.5) = #21918c.
    #expect(Colormap.viridis.color(at: 0) == Color(hex: 0x440154))
    #expect(Colormap.viridis.color(at: 1) == Color(hex: 0xfde725))
    let mid = Colormap.viridis.color(at: 0.5)
    #expect(
      abs(Int(mid.r) - 0x21) <= 2 && abs(Int(mid.g) - 0x91) <= 2 && abs(Int(mid.b) - 0x8c) <= 2)
    #expect(Colormap.named("Viridis")?.name == "viridis")
    #expect(Colormap.named("jet") == nil)
  }

  @Test func ctWindowMapsLevelAndEdges() {
    let w = CTWindow.abdomen
    #expect(w.lower == -160 && w.upper == 240)
    #expect(w.apply(40) == 0.5)
    #expect(w.apply(-1000) == 0)
    #expect(w.apply(3000) == 1)
    #expect(CTWindow.unit.apply(0.25) == 0.25)
  }

  @Test func paletteStartsWithTab10AndSkipsBackground() {
    #expect(Palette.series(0) == Color(hex: 0x1f77b4))
    #expect(Palette.series(11) == Color(hex: 0xff7f0e))
    #expect(Palette.label(0).a == 0)
    #expect(Palette.label(1) == Color(hex: 0x1f77b4))
    #expect(Palette.label(1) == Palette.label(18))
  }
}
