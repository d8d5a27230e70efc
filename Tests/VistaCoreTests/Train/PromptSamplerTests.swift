import TestSupport
import Testing

@testable import VistaCore

/// A [1, 1, 6, 5, 4] label patch: class 3 in a block, class 57 (special) in another corner.
private func patch(withSpleen: Bool = true, withSpecial: Bool = true) -> IntTensor {
  var s = [Int32](repeating: 0, count: 6 * 5 * 4)
  for h in 0..<6 {
    for w in 0..<5 {
      for d in 0..<4 {
        let i = (h * 5 + w) * 4 + d
        if withSpleen && h < 3 && w < 2 { s[i] = 3 }
        if withSpecial && h >= 4 && w >= 3 && d >= 2 { s[i] = 57 }
        if h == 5 && w == 0 { s[i] = 7 }  // a class outside the label set
      }
    }
  }
  return try! IntTensor(shape: [1, 1, 6, 5, 4], scalars: s)
}

private func labelAt(_ labels: IntTensor, _ p: [Float]) -> Int {
  Int(labels.scalars[(Int(p[0]) * 5 + Int(p[1])) * 4 + Int(p[2])])
}

@Suite struct PromptSamplerTests {
  @Test func shapesClassesAndPointsAgreeWithLabels() throws {
    let labels = patch()
    let options = PromptSamplerOptions(
      labelSet: [0, 3, 57, 9], maxBackprompt: 4, maxPoint: 5, dropLabelProb: 0, dropPointProb: 0)
    var rng = RandomGenerator(seed: 1)
    var sawNegatives = false
    for _ in 0..<50 {
      let s = try #require(try samplePromptPairs(labels: labels, options: options, using: &rng))
      #expect(s.classes == [3, 57, 0, 9])
      #expect(s.labelPrompt == s.promptClass)
      let point = try #require(s.point)
      let pl = try #require(s.pointLabel)
      let n = pl.shape[1]
      #expect(point.shape == [4, n, 3])
      #expect(pl.shape == [4, n])
      #expect((1...10).contains(n))
      for b in 0..<4 {
        let cls = s.classes[b]
        for j in 0..<n {
          let p = Array(point.scalars[(b * n + j) * 3..<(b * n + j + 1) * 3])
          let l = pl.scalars[b * n + j]
          switch l {
          case 1, 3:
            #expect(labelAt(labels, p) == cls)
            #expect((l == 3) == (cls == 57))
          case 0, 2:
            sawNegatives = true
            #expect(labelAt(labels, p) != cls)
            #expect((l == 2) == (cls == 57))
          default:
            #expect(l == -1)
            #expect(p == [0, 0, 0])
          }
        }
        if cls == 0 || cls == 9 { #expect(pl.scalars[b * n..<(b + 1) * n].allSatisfy { $0 == -1 }) }
        // positives come first and there is at least one for a foreground class
        if cls == 3 || cls == 57 { #expect(pl.scalars[b * n] == (cls == 57 ? 3 : 1)) }
      }
    }
    #expect(sawNegatives)
  }

  @Test func clickCountsFollowTheHalfNormal() throws {
    let options = PromptSamplerOptions(labelSet: [3], maxPoint: 5, dropLabelProb: 0, dropPointProb: 0)
    var rng = RandomGenerator(seed: 2)
    var positives = [Int](repeating: 0, count: 6)
    let trials = 3000
    for _ in 0..<trials {
      let s = try #require(
        try samplePromptPairs(labels: patch(withSpecial: false), options: options, using: &rng))
      let labels = s.pointLabel!.scalars
      positives[labels.filter { $0 == 1 }.count] += 1
      #expect(labels.filter { $0 == 0 }.count <= 5)
    }
    // Np = min(5, ⌊|N(0, 2²)|⌋ + 1): P(Np = 1) = P(|Z| < 0.5) ≈ 0.383, P(Np = 5) = P(|Z| ≥ 2) ≈ 0.0455.
    #expect(positives[0] == 0)
    #expect(abs(Double(positives[1]) / Double(trials) - 0.3829) < 0.03)
    #expect(abs(Double(positives[5]) / Double(trials) - 0.0455) < 0.015)
  }

  @Test func dropProbabilitiesBehave() throws {
    let options = PromptSamplerOptions.tutorial(labelSet: [0, 3])
    var rng = RandomGenerator(seed: 3)
    var (pointOnly, classOnly, both) = (0, 0, 0)
    let trials = 4000
    for _ in 0..<trials {
      let s = try #require(
        try samplePromptPairs(labels: patch(withSpecial: false), options: options, using: &rng))
      if s.labelPrompt == nil {
        pointOnly += 1
        #expect(s.classes == [3])  // background rows removed
        #expect(s.point?.shape[0] == 1)
      } else if s.point == nil {
        classOnly += 1
        #expect(s.pointLabel == nil)
        #expect(s.classes == [3, 0])
      } else {
        both += 1
      }
    }
    // 20 % point-only, 0.8·0.2 = 16 % class-only, 64 % both (binomial sd ≈ 0.7 %).
    #expect(abs(Double(pointOnly) / Double(trials) - 0.20) < 0.03)
    #expect(abs(Double(classOnly) / Double(trials) - 0.16) < 0.03)
    #expect(abs(Double(both) / Double(trials) - 0.64) < 0.03)
  }

  @Test func negativePatchNeverDropsLabels() throws {
    let options = PromptSamplerOptions.tutorial(labelSet: [0, 3])
    var rng = RandomGenerator(seed: 4)
    for _ in 0..<200 {
      let s = try #require(
        try samplePromptPairs(
          labels: patch(withSpleen: false, withSpecial: false), options: options, using: &rng))
      #expect(s.labelPrompt != nil)
      #expect(s.classes == [0, 3])
      if let pl = s.pointLabel { #expect(pl.scalars.allSatisfy { $0 == -1 }) }
    }
  }

  @Test func capsAndEmptyResult() throws {
    var rng = RandomGenerator(seed: 5)
    let many = PromptSamplerOptions(
      labelSet: [0, 3, 57, 10, 11, 12, 13], maxPrompt: 3, maxBackprompt: 4, dropLabelProb: 0, dropPointProb: 0
    )
    for _ in 0..<50 {
      let s = try #require(try samplePromptPairs(labels: patch(), options: many, using: &rng))
      #expect(s.classes.count == 3)
      #expect(Array(s.classes.prefix(2)) == [3, 57])
      #expect([0, 10, 11, 12, 13].contains(s.classes[2]))
    }
    let fewBack = PromptSamplerOptions(labelSet: [0, 3, 10, 11, 12], maxBackprompt: 2, dropLabelProb: 0)
    let s = try #require(try samplePromptPairs(labels: patch(), options: fewBack, using: &rng))
    #expect(s.classes.count == 3)
    let none = PromptSamplerOptions(labelSet: [0], maxBackprompt: 0)
    #expect(try samplePromptPairs(labels: patch(), options: none, using: &rng) == nil)
    #expect(throws: VistaError.self) {
      try samplePromptPairs(labels: IntTensor(zeros: [2, 1, 2, 2, 2]), options: none, using: &rng)
    }
  }

  @Test func deterministicPerSeed() throws {
    let options = PromptSamplerOptions.tutorial(labelSet: [0, 3, 57])
    func run(_ seed: UInt64) throws -> [PromptSample?] {
      var rng = RandomGenerator(seed: seed)
      return try (0..<20).map { _ in try samplePromptPairs(labels: patch(), options: options, using: &rng) }
    }
    #expect(try run(9) == run(9))
    #expect(try run(9) != run(10))
  }
}

@Suite struct PromptTargetTests {
  @Test func targetsAreOneHotRowsAndBatchedDiceIsTheMeanOverPrompts() throws {
    let labels = try IntTensor(shape: [1, 1, 2, 2, 2], scalars: [0, 3, 3, 0, 57, 0, 3, 0])
    let t = try promptTargets(labels: labels, classes: [3, 0, 9])
    #expect(t.shape == [3, 1, 2, 2, 2])
    #expect(t.scalars == [0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1] + [Float](repeating: 0, count: 8))
    var rng = RandomGenerator(seed: 1)
    let logits = Tensor.normal([3, 1, 2, 2, 2], using: &rng)
    let batched = try DiceLoss()(Variable(logits), t).value.scalars[0]
    var perPrompt: Float = 0
    for b in 0..<3 {
      let x = try Tensor(shape: [1, 1, 2, 2, 2], scalars: Array(logits.scalars[b * 8..<(b + 1) * 8]))
      let y = try Tensor(shape: [1, 1, 2, 2, 2], scalars: Array(t.scalars[b * 8..<(b + 1) * 8]))
      perPrompt += try DiceLoss()(Variable(x), y).value.scalars[0] / 3
    }
    #expect(abs(batched - perPrompt) < 1e-6)
  }
}

@Suite struct PromptModeTests {
  @Test func modesFixTheDrops() throws {
    var rng = RandomGenerator(seed: 12)
    for _ in 0..<50 {
      let auto = try #require(
        try samplePromptPairs(
          labels: patch(), options: .tutorial(labelSet: [0, 3], mode: .autoOnly), using: &rng))
      #expect(auto.labelPrompt != nil && auto.point == nil)
      let point = try #require(
        try samplePromptPairs(
          labels: patch(), options: .tutorial(labelSet: [0, 3], mode: .pointOnly), using: &rng))
      #expect(point.labelPrompt == nil && point.point != nil)
      #expect(point.classes == [3])
    }
  }
}
