import CDNNL
import Foundation

// oneDNN's direct convolution for the deep 3×3×3 layers of VISTA3D's encoder and decoders.
//
// On Zen 4, oneDNN's JIT AVX-512 direct convolution (blocked layouts, no unfolding, no packing)
// runs the 48–384-channel convs 15–30% faster than unfold + GEMM, layout reorders included
// (`vista-bench conv`). Our own kernels keep the first conv (1 input channel), strided and
// transposed convs, tiny volumes and every shape oneDNN cannot build. One plan per shape and
// direction is built on first use and kept.

/// Forward conv through oneDNN when the shape suits it; false when the caller must run its own
/// kernel. x: `[N, Cin, D, H, W]`, w: `[Cout, Cin, k, k, k]`, y: `[N, Cout, oD, oH, oW]`.
func conv3dForwardOneDNN(
  x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  y: UnsafeMutablePointer<Float>, _ g: Conv3dGeometry
) -> Bool {
  guard OneDNNConv.enabled, OneDNNConv.suits(g) else { return false }
  var inputs = [UnsafeRawPointer(x), UnsafeRawPointer(w)]
  if let bias { inputs.append(UnsafeRawPointer(bias)) }
  return OneDNNConv.shared.run(
    .forward(bias: bias != nil), g, inputs: inputs, output: y, accumulate: false)
}

/// Input gradient through oneDNN: dx (+)= convᵀ(dy, w). Shapes as in `conv3dBackwardInput`.
func conv3dBackwardInputOneDNN(
  dy: UnsafePointer<Float>, weight w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
  _ g: Conv3dGeometry, accumulate: Bool
) -> Bool {
  guard OneDNNConv.enabled, OneDNNConv.suits(g) else { return false }
  return OneDNNConv.shared.run(
    .backwardData, g, inputs: [UnsafeRawPointer(dy), UnsafeRawPointer(w)], output: dx,
    accumulate: accumulate)
}

/// Weight gradient through oneDNN: dw (+)= Σ_n dy[n] · unfold(x[n])ᵀ. Shapes as in
/// `conv3dBackwardWeight`.
func conv3dBackwardWeightOneDNN(
  x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
  _ g: Conv3dGeometry, accumulate: Bool
) -> Bool {
  guard OneDNNConv.enabled, OneDNNConv.suits(g) else { return false }
  return OneDNNConv.shared.run(
    .backwardWeights, g, inputs: [UnsafeRawPointer(x), UnsafeRawPointer(dy)], output: dw,
    accumulate: accumulate)
}

/// A cache of oneDNN convolution plans (primitive + layout reorders), one per shape and direction.
final class OneDNNConv: @unchecked Sendable {
  static let shared = OneDNNConv()

  /// `VISTA_CONV=ours` keeps every conv on our own kernels (for comparisons).
  static let enabled = BLAS.useOneDNN && ProcessInfo.processInfo.environment["VISTA_CONV"] != "ours"

  /// Fewest input channels routed to oneDNN (`VISTA_DNNL_MIN_CH`, a tuning knob for benchmarks).
  static let minChannels: Int =
    Int(ProcessInfo.processInfo.environment["VISTA_DNNL_MIN_CH"] ?? "") ?? 32

  /// Shapes where the direct conv wins: k = 3, stride 1, padding 1, ≥ 32 channels each way and
  /// ≥ 8³ output voxels (at 4³ oneDNN is slower than our GEMM).
  static func suits(_ g: Conv3dGeometry) -> Bool {
    g.kernel == 3 && g.stride == 1 && g.padding == 1 && g.inChannels >= max(32, minChannels)
      && g.outChannels >= 32 && g.outVoxels >= 512
  }

  /// Which computation a plan runs.
  enum Direction: Hashable {
    case forward(bias: Bool)
    case backwardData
    case backwardWeights
  }

  /// One argument: its oneDNN id, its NCDHW/OIDHW descriptor and the primitive's own layout.
  struct Argument {
    var id: Int32
    var user: dnnl_memory_desc_t
    var blocked: dnnl_memory_desc_t
    var reorder: dnnl_primitive_t?  // user → blocked for inputs, blocked → user for the output
  }

  /// A primitive with its inputs (in call order) and its output.
  final class Plan {
    var primitive: dnnl_primitive_t?
    var inputs: [Argument] = []
    var output: Argument?
  }

  private struct PlanKey: Hashable {
    var geometry: Conv3dGeometry
    var direction: Direction
  }

  // Safe: everything below is only touched under `lock` (one oneDNN conv executes at a time).
  private let lock = NSLock()
  private var engine: dnnl_engine_t?
  private var stream: dnnl_stream_t?
  private var plans: [PlanKey: Plan] = [:]
  private var failed: Set<PlanKey> = []

  /// Runs `direction` for `g`: `inputs` in the order forward (x, w[, b]), backward data (dy, w),
  /// backward weights (x, dy); writes (or with `accumulate` adds to) `output`. False: not run.
  func run(
    _ direction: Direction, _ g: Conv3dGeometry, inputs: [UnsafeRawPointer],
    output: UnsafeMutablePointer<Float>, accumulate: Bool
  ) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    let key = PlanKey(geometry: g, direction: direction)
    if failed.contains(key) { return false }
    if engine == nil {
      guard dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success,
        dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success
      else {
        failed.insert(key)
        return false
      }
    }
    let plan: Plan
    if let p = plans[key] {
      plan = p
    } else {
      guard let p = makePlan(g, direction) else {
        failed.insert(key)  // this oneDNN cannot build it: our kernels take it from now on
        return false
      }
      plans[key] = p
      plan = p
    }
    guard var out = plan.output, plan.inputs.count == inputs.count else { return false }
    OpenMP.setThreadsOnThisThread(parallelWorkers)

    // Scratch for the blocked copies, and for the result when it is added to `output`.
    var sizes: [Int] = plan.inputs.map { arg in
      var d = arg.blocked
      return arg.reorder == nil ? 0 : dnnl_memory_desc_get_size(&d)
    }
    sizes.append(dnnl_memory_desc_get_size(&out.blocked))
    let userOutBytes: Int = dnnl_memory_desc_get_size(&out.user)
    if accumulate { sizes.append(userOutBytes) }
    var offsets: [Int] = [0]
    for size in sizes { offsets.append(offsets[offsets.count - 1] + (size + 63) / 64 * 64) }
    let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(64, offsets.last!), alignment: 64)
    defer { scratch.deallocate() }

    var ok = true
    var memories: [dnnl_memory_t?] = []
    defer { for m in memories { dnnl_memory_destroy(m) } }
    func memory(_ desc: dnnl_memory_desc_t, _ ptr: UnsafeMutableRawPointer) -> dnnl_memory_t? {
      var d = desc
      var m: dnnl_memory_t?
      if dnnl_memory_create(&m, &d, engine, ptr) != dnnl_success { ok = false }
      memories.append(m)
      return m
    }
    func execute(_ p: dnnl_primitive_t?, _ args: [(Int32, dnnl_memory_t?)]) {
      var a = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
      if dnnl_primitive_execute(p, stream, Int32(a.count), &a) != dnnl_success { ok = false }
    }
    var primitiveArgs: [(Int32, dnnl_memory_t?)] = []
    for (i, arg) in plan.inputs.enumerated() {
      let user = memory(arg.user, UnsafeMutableRawPointer(mutating: inputs[i]))
      if let reorder = arg.reorder {
        let blocked = memory(arg.blocked, scratch + offsets[i])
        execute(reorder, [(Int32(DNNL_ARG_FROM), user), (Int32(DNNL_ARG_TO), blocked)])
        primitiveArgs.append((arg.id, blocked))
      } else {
        primitiveArgs.append((arg.id, user))
      }
    }
    let target = accumulate ? scratch + offsets[plan.inputs.count + 1] : UnsafeMutableRawPointer(output)
    let userOut = memory(out.user, target)
    let blockedOut = out.reorder == nil ? userOut : memory(out.blocked, scratch + offsets[plan.inputs.count])
    primitiveArgs.append((out.id, blockedOut))
    guard ok else { return false }
    execute(plan.primitive, primitiveArgs)
    if let reorder = out.reorder {
      execute(reorder, [(Int32(DNNL_ARG_FROM), blockedOut), (Int32(DNNL_ARG_TO), userOut)])
    }
    if dnnl_stream_wait(stream) != dnnl_success { ok = false }
    guard ok else { return false }
    if accumulate {
      let src = target.assumingMemoryBound(to: Float.self)
      let n = userOutBytes / MemoryLayout<Float>.size
      parallelRanges(n, minChunk: 1 << 16) { r in
        for i in r { output[i] += src[i] }
      }
    }
    return true
  }

  /// Builds the primitive for `g` letting oneDNN pick its layouts, plus the reorders it needs.
  private func makePlan(_ g: Conv3dGeometry, _ direction: Direction) -> Plan? {
    let srcDims = dims([g.batch, g.inChannels, g.inD, g.inH, g.inW])
    let wDims = dims([g.outChannels, g.inChannels, g.kernel, g.kernel, g.kernel])
    let dstDims = dims([g.batch, g.outChannels, g.outD, g.outH, g.outW])
    let strides = dims([g.stride, g.stride, g.stride])
    let pad = dims([g.padding, g.padding, g.padding])
    guard let srcUser = desc(srcDims, dnnl_ncdhw), let wUser = desc(wDims, dnnl_oidhw),
      let dstUser = desc(dstDims, dnnl_ncdhw), let biasUser = desc(dims([g.outChannels]), dnnl_a),
      var anySrc = desc(srcDims, dnnl_format_tag_any), var anyW = desc(wDims, dnnl_format_tag_any),
      var anyDst = desc(dstDims, dnnl_format_tag_any)
    else { return nil }
    var bias = biasUser

    // Every direction needs the forward primitive descriptor (backward ones take it as a hint).
    var fwdDesc = dnnl_convolution_desc_t()
    let hasBias: Bool
    if case .forward(let b) = direction { hasBias = b } else { hasBias = false }
    let propKind = direction == .forward(bias: hasBias) ? dnnl_forward_inference : dnnl_forward_training
    let status = withUnsafePointer(to: &bias) { b in
      dnnl_convolution_forward_desc_init(
        &fwdDesc, propKind, dnnl_convolution_direct, &anySrc, &anyW, hasBias ? b : nil, &anyDst,
        strides, pad, pad)
    }
    guard status == dnnl_success else { return nil }
    var fwd: dnnl_primitive_desc_t?
    guard dnnl_primitive_desc_create(&fwd, &fwdDesc, nil, engine, nil) == dnnl_success else {
      return nil
    }
    defer { dnnl_primitive_desc_destroy(fwd) }

    var pd: dnnl_primitive_desc_t?
    var opDesc = dnnl_convolution_desc_t()
    switch direction {
    case .forward:
      pd = nil
    case .backwardData:
      guard
        dnnl_convolution_backward_data_desc_init(
          &opDesc, dnnl_convolution_direct, &anySrc, &anyW, &anyDst, strides, pad, pad)
          == dnnl_success,
        dnnl_primitive_desc_create(&pd, &opDesc, nil, engine, fwd) == dnnl_success
      else { return nil }
    case .backwardWeights:
      guard
        dnnl_convolution_backward_weights_desc_init(
          &opDesc, dnnl_convolution_direct, &anySrc, &anyW, nil, &anyDst, strides, pad, pad)
          == dnnl_success,
        dnnl_primitive_desc_create(&pd, &opDesc, nil, engine, fwd) == dnnl_success
      else { return nil }
    }
    defer { if pd != nil { dnnl_primitive_desc_destroy(pd) } }
    let opPD = pd ?? fwd

    func layout(_ q: dnnl_query_t) -> dnnl_memory_desc_t? {
      dnnl_primitive_desc_query_md(opPD, q, 0)?.pointee
    }
    func input(_ id: Int32, _ user: dnnl_memory_desc_t, _ q: dnnl_query_t) -> Argument? {
      guard let blocked = layout(q) else { return nil }
      var a = Argument(id: id, user: user, blocked: blocked, reorder: nil)
      if !same(user, blocked) {
        guard let r = reorder(user, blocked) else { return nil }
        a.reorder = r
      }
      return a
    }
    func output(_ id: Int32, _ user: dnnl_memory_desc_t, _ q: dnnl_query_t) -> Argument? {
      guard let blocked = layout(q) else { return nil }
      var a = Argument(id: id, user: user, blocked: blocked, reorder: nil)
      if !same(user, blocked) {
        guard let r = reorder(blocked, user) else { return nil }
        a.reorder = r
      }
      return a
    }

    let plan = Plan()
    switch direction {
    case .forward(let b):
      guard let x = input(Int32(DNNL_ARG_SRC), srcUser, dnnl_query_src_md),
        let w = input(Int32(DNNL_ARG_WEIGHTS), wUser, dnnl_query_weights_md),
        let y = output(Int32(DNNL_ARG_DST), dstUser, dnnl_query_dst_md)
      else { return nil }
      plan.inputs = [x, w]
      if b { plan.inputs.append(Argument(id: Int32(DNNL_ARG_BIAS), user: biasUser, blocked: biasUser)) }
      plan.output = y
    case .backwardData:
      guard let dy = input(Int32(DNNL_ARG_DIFF_DST), dstUser, dnnl_query_diff_dst_md),
        let w = input(Int32(DNNL_ARG_WEIGHTS), wUser, dnnl_query_weights_md),
        let dx = output(Int32(DNNL_ARG_DIFF_SRC), srcUser, dnnl_query_diff_src_md)
      else { return nil }
      plan.inputs = [dy, w]
      plan.output = dx
    case .backwardWeights:
      guard let x = input(Int32(DNNL_ARG_SRC), srcUser, dnnl_query_src_md),
        let dy = input(Int32(DNNL_ARG_DIFF_DST), dstUser, dnnl_query_diff_dst_md),
        let dw = output(Int32(DNNL_ARG_DIFF_WEIGHTS), wUser, dnnl_query_diff_weights_md)
      else { return nil }
      plan.inputs = [x, dy]
      plan.output = dw
    }
    guard dnnl_primitive_create(&plan.primitive, opPD) == dnnl_success else { return nil }
    return plan
  }

  private func desc(_ d: [Int64], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t? {
    var md = dnnl_memory_desc_t()
    guard dnnl_memory_desc_init_by_tag(&md, Int32(d.count), d, dnnl_f32, tag) == dnnl_success
    else { return nil }
    return md
  }

  private func same(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
    var a = a
    var b = b
    return dnnl_memory_desc_equal(&a, &b) != 0
  }

  private func reorder(_ from: dnnl_memory_desc_t, _ to: dnnl_memory_desc_t) -> dnnl_primitive_t? {
    var from = from
    var to = to
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
