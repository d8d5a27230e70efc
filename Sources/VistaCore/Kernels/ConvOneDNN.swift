import CDNNL
import Foundation

// oneDNN's direct convolution for the deep 3×3×3 layers of VISTA3D's encoder and decoders.
//
// On Zen 4, oneDNN's JIT AVX-512 direct convolution (blocked nCdhw16c layout, no unfolding, no
// packing) runs the 96–384-channel convs ~25% faster than unfold + GEMM, reorders included. Our
// own vol2col path stays in charge of the wide shallow layers (48 channels at full resolution),
// where it is as fast, and of every backward pass. One plan per shape is built on first use.

/// Forward conv through oneDNN when the shape is one it wins on; false when the caller must run
/// its own kernel. x: `[N, Cin, D, H, W]`, w: `[Cout, Cin, k, k, k]`, y: `[N, Cout, oD, oH, oW]`.
func conv3dForwardOneDNN(
  x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  y: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry
) -> Bool {
  guard OneDNNConv.enabled, OneDNNConv.suits(g) else { return false }
  return OneDNNConv.shared.forward(x: x, weight: w, bias: bias, y: y, g)
}

/// A cache of oneDNN convolution plans (primitive + layout reorders), one per geometry.
final class OneDNNConv: @unchecked Sendable {
  static let shared = OneDNNConv()

  /// `VISTA_CONV=ours` keeps every conv on our own kernels (for comparisons).
  static let enabled = BLAS.useOneDNN && ProcessInfo.processInfo.environment["VISTA_CONV"] != "ours"

  /// Shapes where the direct conv beats unfold + GEMM: k = 3, stride 1, padding 1, ≥ 32 channels
  /// each way, ≥ 8³ output voxels (at 4³ oneDNN is slower than our GEMM).
  static func suits(_ g: Conv3dGeometry) -> Bool {
    g.kernel == 3 && g.stride == 1 && g.padding == 1 && g.inChannels >= 32 && g.outChannels >= 32
      && g.outVoxels >= 512 && minChannels <= g.inChannels
  }

  /// Fewest input channels routed to oneDNN (`VISTA_DNNL_MIN_CH`, a tuning knob for benchmarks).
  static let minChannels: Int = Int(ProcessInfo.processInfo.environment["VISTA_DNNL_MIN_CH"] ?? "") ?? 32

  // Safe: everything below is only touched under `lock` (one conv executes at a time).
  private let lock = NSLock()
  private var engine: dnnl_engine_t?
  private var stream: dnnl_stream_t?
  private var plans: [PlanKey: Plan] = [:]

  /// Plans are per geometry and bias presence.
  struct PlanKey: Hashable {
    var geometry: Conv3dGeometry
    var hasBias: Bool
  }
  private var broken = false

  /// One geometry's primitives and the user-layout (NCDHW) memory descriptors.
  final class Plan {
    var conv: dnnl_primitive_t?
    var toBlockedSrc: dnnl_primitive_t?
    var toBlockedWeights: dnnl_primitive_t?
    var fromBlockedDst: dnnl_primitive_t?
    var userSrc = dnnl_memory_desc_t()
    var userWeights = dnnl_memory_desc_t()
    var userDst = dnnl_memory_desc_t()
    var biasDesc = dnnl_memory_desc_t()
    var blockedSrc = dnnl_memory_desc_t()
    var blockedWeights = dnnl_memory_desc_t()
    var blockedDst = dnnl_memory_desc_t()
    var hasBias = false
  }

  func forward(
    x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    y: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry
  ) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    if broken { return false }
    if engine == nil {
      guard dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success,
        dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success
      else {
        broken = true
        return false
      }
    }
    let key = PlanKey(geometry: g, hasBias: bias != nil)
    let plan: Plan
    if let p = plans[key] {
      plan = p
    } else {
      guard let p = makePlan(g, hasBias: bias != nil) else {
        broken = true  // this oneDNN cannot build it: our kernels take over for good
        return false
      }
      plans[key] = p
      plan = p
    }
    OpenMP.setThreadsOnThisThread(parallelWorkers)
    let srcBytes = dnnl_memory_desc_get_size(&plan.blockedSrc)
    let wBytes = dnnl_memory_desc_get_size(&plan.blockedWeights)
    let dstBytes = dnnl_memory_desc_get_size(&plan.blockedDst)
    let scratch = UnsafeMutableRawPointer.allocate(
      byteCount: srcBytes + wBytes + dstBytes, alignment: 64)
    defer { scratch.deallocate() }
    var ok = true
    var mems: [dnnl_memory_t?] = []
    defer { for m in mems { dnnl_memory_destroy(m) } }
    func memory(_ desc: inout dnnl_memory_desc_t, _ ptr: UnsafeMutableRawPointer?) -> dnnl_memory_t? {
      var m: dnnl_memory_t?
      if dnnl_memory_create(&m, &desc, engine, ptr) != dnnl_success { ok = false }
      mems.append(m)
      return m
    }
    let xUser = memory(&plan.userSrc, UnsafeMutableRawPointer(mutating: x))
    let wUser = memory(&plan.userWeights, UnsafeMutableRawPointer(mutating: w))
    let yUser = memory(&plan.userDst, UnsafeMutableRawPointer(y))
    let xB = memory(&plan.blockedSrc, scratch)
    let wB = memory(&plan.blockedWeights, scratch + srcBytes)
    let yB = memory(&plan.blockedDst, scratch + srcBytes + wBytes)
    let bUser = bias.map { memory(&plan.biasDesc, UnsafeMutableRawPointer(mutating: $0)) }
    guard ok else { return false }
    func run(_ p: dnnl_primitive_t?, _ args: [(Int32, dnnl_memory_t?)]) {
      var a = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
      if dnnl_primitive_execute(p, stream, Int32(a.count), &a) != dnnl_success { ok = false }
    }
    let from = Int32(DNNL_ARG_FROM)
    let to = Int32(DNNL_ARG_TO)
    run(plan.toBlockedSrc, [(from, xUser), (to, xB)])
    run(plan.toBlockedWeights, [(from, wUser), (to, wB)])
    var convArgs: [(Int32, dnnl_memory_t?)] = [
      (Int32(DNNL_ARG_SRC), xB), (Int32(DNNL_ARG_WEIGHTS), wB), (Int32(DNNL_ARG_DST), yB),
    ]
    if let bUser { convArgs.append((Int32(DNNL_ARG_BIAS), bUser)) }
    run(plan.conv, convArgs)
    run(plan.fromBlockedDst, [(from, yB), (to, yUser)])
    if dnnl_stream_wait(stream) != dnnl_success { ok = false }
    return ok
  }

  /// Builds the primitive for `g` letting oneDNN pick its blocked layouts, plus the reorders.
  private func makePlan(_ g: Conv3dGeometry, hasBias: Bool) -> Plan? {
    let p = Plan()
    p.hasBias = hasBias
    let src = dims([g.batch, g.inChannels, g.inD, g.inH, g.inW])
    let wts = dims([g.outChannels, g.inChannels, g.kernel, g.kernel, g.kernel])
    let dst = dims([g.batch, g.outChannels, g.outD, g.outH, g.outW])
    let bia = dims([g.outChannels])
    let strides = dims([g.stride, g.stride, g.stride])
    let pad = dims([g.padding, g.padding, g.padding])
    var anySrc = dnnl_memory_desc_t()
    var anyW = dnnl_memory_desc_t()
    var anyDst = dnnl_memory_desc_t()
    guard
      dnnl_memory_desc_init_by_tag(&p.userSrc, 5, src, dnnl_f32, dnnl_ncdhw) == dnnl_success,
      dnnl_memory_desc_init_by_tag(&p.userWeights, 5, wts, dnnl_f32, dnnl_oidhw) == dnnl_success,
      dnnl_memory_desc_init_by_tag(&p.userDst, 5, dst, dnnl_f32, dnnl_ncdhw) == dnnl_success,
      dnnl_memory_desc_init_by_tag(&p.biasDesc, 1, bia, dnnl_f32, dnnl_a) == dnnl_success,
      dnnl_memory_desc_init_by_tag(&anySrc, 5, src, dnnl_f32, dnnl_format_tag_any)
        == dnnl_success,
      dnnl_memory_desc_init_by_tag(&anyW, 5, wts, dnnl_f32, dnnl_format_tag_any) == dnnl_success,
      dnnl_memory_desc_init_by_tag(&anyDst, 5, dst, dnnl_f32, dnnl_format_tag_any)
        == dnnl_success
    else { return nil }
    var desc = dnnl_convolution_desc_t()
    let status = withUnsafePointer(to: &p.biasDesc) { biasPtr in
      dnnl_convolution_forward_desc_init(
        &desc, dnnl_forward_inference, dnnl_convolution_direct, &anySrc, &anyW,
        hasBias ? biasPtr : nil, &anyDst, strides, pad, pad)
    }
    guard status == dnnl_success else { return nil }
    var pd: dnnl_primitive_desc_t?
    guard dnnl_primitive_desc_create(&pd, &desc, nil, engine, nil) == dnnl_success else {
      return nil
    }
    defer { dnnl_primitive_desc_destroy(pd) }
    guard let s = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0),
      let w = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0),
      let d = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0)
    else { return nil }
    p.blockedSrc = s.pointee
    p.blockedWeights = w.pointee
    p.blockedDst = d.pointee
    guard dnnl_primitive_create(&p.conv, pd) == dnnl_success,
      let r1 = reorder(&p.userSrc, &p.blockedSrc), let r2 = reorder(&p.userWeights, &p.blockedWeights),
      let r3 = reorder(&p.blockedDst, &p.userDst)
    else { return nil }
    p.toBlockedSrc = r1
    p.toBlockedWeights = r2
    p.fromBlockedDst = r3
    return p
  }

  private func reorder(
    _ from: inout dnnl_memory_desc_t, _ to: inout dnnl_memory_desc_t
  ) -> dnnl_primitive_t? {
    var pd: dnnl_primitive_desc_t?
    guard dnnl_reorder_primitive_desc_create(&pd, &from, engine, &to, engine, nil) == dnnl_success
    else { return nil }
    defer { dnnl_primitive_desc_destroy(pd) }
    var prim: dnnl_primitive_t?
    guard dnnl_primitive_create(&prim, pd) == dnnl_success else { return nil }
    return prim
  }

  /// Dimensions as oneDNN takes them (`const dnnl_dims_t` parameters are `int64_t *`).
  private func dims(_ values: [Int]) -> [Int64] { values.map { Int64($0) } }
}
