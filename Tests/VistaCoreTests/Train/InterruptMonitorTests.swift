import Foundation
import Testing
@testable import VistaCore

@Suite(.serialized) struct InterruptMonitorTests {
  @Test func ctrlCSetsTheRequestFlag() async throws {
    InterruptMonitor.start()
    defer { InterruptMonitor.stop() }
    #expect(!InterruptMonitor.isRequested)
    // Process-directed, so a thread that does not block SIGINT (the main thread) handles it.
    kill(getpid(), SIGINT)
    for _ in 0..<2000 where !InterruptMonitor.isRequested { try await Task.sleep(nanoseconds: 5_000_000) }
    #expect(InterruptMonitor.isRequested)
    InterruptMonitor.reset()
    #expect(!InterruptMonitor.isRequested)
    InterruptMonitor.request()
    #expect(InterruptMonitor.isRequested)
  }
}
