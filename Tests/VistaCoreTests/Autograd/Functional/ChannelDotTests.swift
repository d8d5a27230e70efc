import Testing
import TestSupport
@testable import VistaCore

@Suite struct ChannelDotTests {
  @Test func matchesEinsum() throws {
    try GoldenOp("channel_dot").check(inputs: 2) { v in try channelDot(v[0], v[1]) }
  }

  @Test func handComputed() throws {
    // e [1, 2] = [1, 2]; f [2, 2, 2]: n0 = [[1, 0], [0, 1]], n1 = [[3, 3], [1, -1]].
    let e = Variable(try Tensor(shape: [1, 2], scalars: [1, 2]))
    let f = Variable(try Tensor(shape: [2, 2, 2], scalars: [1, 0, 0, 1, 3, 3, 1, -1]))
    #expect(try channelDot(e, f).value == Tensor(shape: [1, 2, 2], scalars: [1, 2, 5, 1]))
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    try gradcheck([testTensor([3, 2], seed: 1), testTensor([2, 2, 3, 2], seed: 2)], "channelDot") { v in
      try channelDot(v[0], v[1])
    }
  }

  @Test func mismatchNamesOpAndBothShapes() {
    expectVistaError(["channelDot", "[2, 3]", "[4, 5, 6]"]) {
      try channelDot(Variable(Tensor(zeros: [2, 3])), Variable(Tensor(zeros: [4, 5, 6])))
    }
  }
}
