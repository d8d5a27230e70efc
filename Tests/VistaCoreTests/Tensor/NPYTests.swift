import Foundation
import Testing
@testable import VistaCore

@Suite struct NPYTests {
  @Test func floatRoundTrip() throws {
    let t = try Tensor(shape: [2, 3, 1], scalars: [1, -2.5, 3, 0, 1e-7, 65536])
    let back = try NPY.decode(NPY.encode(t)).tensor
    #expect(back == t)
  }

  @Test func intRoundTripAllDtypes() throws {
    let t = try IntTensor(shape: [4], scalars: [0, 1, 7, 200])
    for dtype in ["int32", "int64", "uint8"] {
      guard case .int(let back, let d) = try NPY.decode(NPY.encode(t, dtype: dtype)) else {
        Issue.record("expected ints")
        continue
      }
      #expect(back == t && d == dtype)
    }
  }

  @Test func headerIsAlignedAndNumpyReadable() {
    let d = NPY.encode(Tensor([1, 2, 3]))
    let headerLength = Int(d[8]) | Int(d[9]) << 8
    #expect((10 + headerLength) % 64 == 0)
    #expect(String(decoding: d[10..<(10 + headerLength)], as: UTF8.self).contains("'shape': (3,)"))
  }

  @Test func corruptInputIsAClearError() {
    #expect(throws: VistaError.self) { try NPY.decode(Data([1, 2, 3]), name: "x.npy") }
    var d = NPY.encode(Tensor([1, 2, 3]))
    d.removeLast(4)
    do {
      _ = try NPY.decode(d, name: "x.npy")
      Issue.record("expected an error")
    } catch let e as VistaError { #expect(e.message.contains("x.npy") && e.message.contains("truncated")) } catch {
      Issue.record("\(error)")
    }
  }
}
