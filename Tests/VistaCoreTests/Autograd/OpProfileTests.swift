import Testing

@testable import VistaCore

/// `OpProfile`: per-op wall-time table used by `vista-bench model --ops`.
@Suite(.serialized) struct OpProfileTests {
  @Test func chargesEachRecordedOpWithItsShape() throws {
    // An unusual shape, so ops of tests running alongside cannot land on this row.
    let x = Variable(Tensor(repeating: 1, shape: [3, 5, 7, 2]))
    OpProfile.start()
    #expect(OpProfile.isEnabled)
    _ = relu(x)
    _ = relu(x)
    _ = try add(x, x)
    let rows = OpProfile.stop()
    #expect(!OpProfile.isEnabled)
    let relus = try #require(rows.first { $0.key == "relu 3x5x7x2" })
    #expect(relus.calls == 2 && relus.milliseconds >= 0)
    #expect(rows.contains { $0.key == "add 3x5x7x2" && $0.calls == 1 })
    // Rows come slowest first, and the table prints them with shares of the total.
    #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.milliseconds >= $1.milliseconds })
    let table = OpProfile.format(rows)
    #expect(table.hasPrefix("  ops: ") && table.contains("relu 3x5x7x2"))
    // Stopped: nothing more is charged to the table.
    _ = relu(x)
    #expect(OpProfile.stop().first { $0.key == "relu 3x5x7x2" }?.calls == 2)
  }
}
