import Testing

@testable import Interpreter

/// Every engine binding documents itself: help is generated from these declarations.
@Suite struct BindingRegistryTests {
  static let functions = [
    "vista3d", "class_id", "class_name", "load_nifti", "save_nifti", "save_npy", "scale_intensity", "orientation",
    "spacing", "crop_foreground", "spatial_pad", "transforms", "dataset", "synthetic_dataset", "finetune", "resume",
    "segment_file", "plot_curves", "plot_overlay",
  ]
  static let types = ["Model", "Volume", "Case", "Dataset", "Pipeline", "Trainer", "Validation"]

  @Test func everyFunctionHasASummaryAndAnExample() {
    let r = BuiltinRegistry.standard()
    for name in Self.functions {
      let b = r.functions[name]
      #expect(b != nil, "\(name) is not registered")
      #expect((b?.summary ?? "").isEmpty == false, "\(name) has no summary")
      #expect(b?.example != nil, "\(name) has no example")
    }
  }

  @Test func everyTypeAndMemberIsDocumented() {
    let r = BuiltinRegistry.standard()
    for t in Self.types {
      let info = r.types[t]
      #expect((info?.summary ?? "").isEmpty == false, "type \(t) has no summary")
      for (name, m) in info?.methods ?? [:] {
        #expect(m.summary.isEmpty == false, "\(t).\(name) has no summary")
      }
      for (name, p) in info?.properties ?? [:] {
        #expect(p.summary.isEmpty == false, "\(t).\(name) has no summary")
      }
    }
  }

  @Test func helpShowsSignatureAndExample() throws {
    var r = try ScriptRunner()
    defer { r.remove() }
    let out = try r.run(#"help("vista3d")"#)
    #expect(out.contains("vista3d(config=\"vista3d132\""))
    #expect(out.contains("model = vista3d(checkpoint=\"model_vista3d.pt\")"))
    let m = try r.run(#"help("Model.segment")"#)
    #expect(m.contains("classes"))
  }
}
