import Foundation
import Plot
import Testing

@testable import Interpreter

@Suite struct PlotBuiltinsTests {
  @Test func overlayOfACaseWithAPrediction() throws {
    var r = try DataBuiltinsTests.withData()
    defer { r.remove() }
    let out = try r.run(
      """
      data.map_labels({1: 3})
      c = data.val[0]
      print(plot_overlay(c, c.label, file="o.png", plane="coronal", points=[[8, 8, 8]], point_labels=[1]))
      print(plot_overlay(c.image, prediction=c.label.array, file="p.png", slice=3))
      """)
    #expect(out == "o.png\np.png\n")
    let a = try PNG.read(path: r.path("o.png"))
    let b = try PNG.read(path: r.path("p.png"))
    #expect(a.width > 100 && a.height > 50 && b.width > 100)
  }

  @Test func overlayPanelsChooseTheColumns() throws {
    var r = try DataBuiltinsTests.withData()
    defer { r.remove() }
    try r.run(
      """
      c = data.val[0]
      plot_overlay(c, c.label, file="four.png")
      plot_overlay(c, c.label, file="three.png", panels=["image", "label", "prediction"])
      plot_overlay(c, file="two.png", panels=["image", "label"])
      """)
    let four = try PNG.read(path: r.path("four.png"))
    let three = try PNG.read(path: r.path("three.png"))
    let two = try PNG.read(path: r.path("two.png"))
    #expect(four.width > three.width && three.width > two.width, "\(four.width) \(three.width) \(two.width)")
    #expect(three.height == four.height)
    let unknown = try #require(try r.error(#"plot_overlay(c, c.label, file="x.png", panels=["imag"])"#))
    #expect(unknown.help == "did you mean 'image'?")
    let missing = try #require(try r.error(#"plot_overlay(c, file="x.png", panels=["prediction"])"#))
    #expect(missing.message.contains("needs a prediction"))
  }

  @Test func curvesFromAMetricsCsv() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    try "epoch,train_loss,val_dice,lr,seconds\n1,0.9,0.2,1e-5,3\n2,0.7,0.4,1e-5,3\n3,0.6,0.5,1e-5,3\n"
      .write(toFile: r.path("metrics.csv"), atomically: true, encoding: .utf8)
    let out = try r.run(
      """
      print(plot_curves("metrics.csv", "c.png", title="run"))
      print(plot_curves(".", file="d.png"))
      """)
    #expect(out == "c.png\nd.png\n")
    #expect(try PNG.read(path: r.path("c.png")).width > 100)
    #expect(try PNG.read(path: r.path("d.png")).width > 100)
  }

  @Test func errorsNameTheFileAndSuggest() throws {
    var r = try DataBuiltinsTests.withData()
    defer { r.remove() }
    let csv = try #require(try r.error(#"plot_curves("runs/none/metrics.csv", "c.png")"#))
    #expect(csv.message.contains("runs/none/metrics.csv"))
    try "a,b\n1,2\n".write(toFile: r.path("bad.csv"), atomically: true, encoding: .utf8)
    let bad = try #require(try r.error(#"plot_curves("bad.csv", "c.png")"#))
    #expect(bad.message.contains("bad.csv"))
    let plane = try #require(try r.error(#"plot_overlay(data.val[0], file="x.png", plane="axail")"#))
    #expect(plane.help == "did you mean 'axial'?")
    let shape = try #require(try r.error(#"plot_overlay(data.val[0], zeros([3, 3, 3]), file="x.png")"#))
    #expect(shape.message.contains("does not match"))
  }
}
