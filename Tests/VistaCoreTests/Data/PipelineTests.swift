import Foundation
import TestSupport
import Testing

@testable import VistaCore

@Suite struct PipelineTests {
  @Test func tutorialPipelinesPrintTheirSteps() throws {
    let train = try Pipeline.named("tutorial-train")
    let text = train.description
    #expect(
      text.contains("ScaleIntensityRange(a_min=-1000, a_max=1000, b_min=0, b_max=1, clip=true)"))
    #expect(
      text.contains(
        "Spacing(pixdim=[1.5, 1.5, 1.5], mode=\"bilinear\")  [image]; Spacing(pixdim=[1.5, 1.5, 1.5], mode=\"nearest\")  [label]"
      ))
    #expect(
      text.contains(
        "RandCropByPosNegLabel(spatial_size=[96, 96, 96], pos=1, neg=1, num_samples=2, image_threshold=0)"
      ))
    #expect(train.deterministicCount == 3)
    #expect(try Pipeline.named("tutorial-val").deterministicCount == 4)
    #expect(throws: VistaError.self) { try Pipeline.named("nope") }
    #expect(
      try Pipeline.named("tutorial-val-org").description.contains(
        "CropForeground(select=x>0, margin=0, allow_smaller=true)  [image]"))
  }

  @Test func cachedTrainingSamplesHavePatchShapeAndMappedLabels() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "pipe-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    try SyntheticDataset.write(to: dir, cases: 2, size: [32, 32, 20], seed: 1)
    let data = try Dataset(path: dir)
    let pipe = Pipeline.tutorialTrain(patch: [12, 12, 12], numSamples: 3)
    let cache = try CacheDataset(items: data.items, pipeline: pipe)
    #expect(cache.count == 2)
    #expect(
      cache.byteCount
        == cache.cached.reduce(0) { $0 + ($1.image.array.count + $1.label!.array.count) * 4 })
    #expect(cache.cached[0].image.axcodes == "RAS")
    var rng = RandomGenerator(seed: 4)
    let samples = try cache.sample(0, using: &rng)
    #expect(samples.count == 3)
    for s in samples {
      #expect(s.image.shape == [1, 12, 12, 12] && s.label!.shape == [1, 12, 12, 12])
      #expect(!s.label!.array.scalars.contains(1), "label 1 mapped to 3")
      #expect(s.image.array.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
    let batch = try Case.stack(samples)
    #expect(batch.image.shape == [3, 1, 12, 12, 12] && batch.label?.shape == [3, 1, 12, 12, 12])
    #expect(Array(batch.image.scalars[1728..<3456]) == samples[1].image.array.scalars)
    // The prefetcher yields the same samples as direct calls with the same per-position seeds.
    let pre = Prefetcher(dataset: cache, order: [1, 0, 1], seed: 9)
    var got: [[Case]] = []
    while let s = try pre.next() { got.append(s) }
    #expect(got.count == 3)
    for (n, idx) in [1, 0, 1].enumerated() {
      var r = RandomGenerator(seed: 9 &+ UInt64(n) &* 0x9E37_79B9_7F4A_7C15)
      let direct = try cache.sample(idx, using: &r)
      #expect(direct.map(\.image.array) == got[n].map(\.image.array))
    }
    // dropping a prefetcher mid-way stops its worker; a stopped prefetcher yields nothing more
    do {
      let partial = Prefetcher(dataset: cache, order: [0, 1, 0, 1, 0], seed: 1, depth: 1)
      #expect(try partial.next()?.count == 3)
      partial.stop()
      #expect(try partial.next() == nil)
    }
    // the validation pipeline keeps whole volumes
    let val = try Pipeline.tutorialVal()(Case(loading: data.items[0]))
    #expect(val.image.spatialShape == cache.cached[0].image.spatialShape)
  }

  @Test func tooSmallVolumeForPatchIsAClearError() throws {
    let img = try Volume(array: Tensor(repeating: 1, shape: [1, 8, 8, 8]))
    let lab = try Volume(array: Tensor(repeating: 1, shape: [1, 8, 8, 8]))
    var rng = RandomGenerator(seed: 0)
    let step = PipelineStep.randCrop(RandCropByPosNegLabel(spatialSize: [16, 16, 16]))
    #expect(throws: VistaError.self) {
      try step.apply(Case(name: "x", image: img, label: lab), using: &rng)
    }
  }

  @Test func realCTWithSpleenLabelThroughTutorialTrain() throws {
    guard let ct = Fixtures.shared("totalsegmentator_example/example_ct_sm.nii.gz"),
      let seg = Fixtures.shared("totalsegmentator_example/example_seg_fast/spleen.nii.gz")
    else { return }
    let c = try Case(loading: DataItem(image: ct, label: seg))
    var rng = RandomGenerator(seed: 0)
    // The deterministic prefix once, at the file's own 3 mm (debug builds are slow; resampling the real CT
    // is covered by TransformParityTests), then the random tail with two patch sizes.
    let prefixed = try Pipeline.tutorialTrain(pixdim: [3, 3, 3]).run(c, steps: 0..<3, using: &rng)[
      0]
    #expect(prefixed.image.spatialShape == [122, 101, 30])
    #expect(prefixed.label!.array.scalars.contains(1))
    // 30 slices: the tutorial's 96³ patch does not fit, and MONAI raises as well
    let full = Pipeline.tutorialTrain()
    do {
      _ = try full.run(prefixed, steps: 3..<full.steps.count, using: &rng)
      Issue.record("expected an error")
    } catch let e as VistaError {
      #expect(e.message.contains("larger than the volume"))
    }
    let small = Pipeline.tutorialTrain(patch: [64, 64, 24], numSamples: 2)
    let patches = try small.run(prefixed, steps: 3..<small.steps.count, using: &rng)
    #expect(patches.count == 2)
    for p in patches {
      #expect(p.image.shape == [1, 64, 64, 24])
      #expect(Set(p.label!.array.scalars).isSubset(of: [0, 3]))
    }
  }
}
