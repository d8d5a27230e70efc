/// Port of `monai.networks.nets.segresnet_ds.SegResNetDS2`: VISTA3D's image encoder with two decoders.
///
/// Encoder: `conv_init` then one level per entry of `blocksDown` (SegResBlocks; a stride-2 conv between
/// levels, doubling channels). Two structurally identical decoders start from the bottleneck: `up_layers`
/// (point branch) and `up_layers_auto` (class branch). Each decoder level upsamples with a transposed
/// conv (k3 s2 p1 op1), ADDS the encoder skip, runs SegResBlocks; the last level ends in a 1×1×1 conv
/// head with bias. Keys follow MONAI: `image_encoder.encoder.layers.<i>.blocks.<j>.*`, `…downsample.weight`,
/// `image_encoder.up_layers.<i>.upsample.deconv.weight`, `….blocks.0.*`, `up_layers.<last>.head.{weight,bias}`.
public final class SegResNetDS2: Module {
  /// One encoder level: its blocks and the stride-2 conv after them (nil at the bottleneck).
  struct EncoderLevel {
    let blocks: [SegResBlock]
    let downsample: Conv3d?
  }

  /// One decoder level: transposed conv, blocks, and the head at the last level.
  struct DecoderLevel {
    let upsample: ConvTranspose3d
    let blocks: [SegResBlock]
    let head: Conv3d?
  }

  let convInit: Conv3d
  let levels: [EncoderLevel]
  let upLayers: [DecoderLevel]
  let upLayersAuto: [DecoderLevel]
  /// Every spatial dimension must be a multiple of this (2^(levels−1)).
  public let shapeFactor: Int

  /// Creates the encoder under `prefix` (e.g. `image_encoder`).
  public init(
    _ prefix: String, inChannels: Int, initFilters: Int, outChannels: Int, blocksDown: [Int],
    using rng: inout RandomGenerator
  ) {
    let enc = key(prefix, "encoder")
    convInit = Conv3d(key(enc, "conv_init"), inChannels, initFilters, kernel: 3, padding: 1, bias: false, using: &rng)
    var levels: [EncoderLevel] = []
    for (i, count) in blocksDown.enumerated() {
      let c = initFilters << i
      let lp = key(enc, "layers.\(i)")
      var blocks: [SegResBlock] = []
      for j in 0..<count { blocks.append(SegResBlock(key(lp, "blocks.\(j)"), channels: c, using: &rng)) }
      let down =
        i < blocksDown.count - 1
        ? Conv3d(key(lp, "downsample"), c, 2 * c, kernel: 3, stride: 2, padding: 1, bias: false, using: &rng) : nil
      levels.append(EncoderLevel(blocks: blocks, downsample: down))
    }
    self.levels = levels
    shapeFactor = 1 << (blocksDown.count - 1)

    func decoder(_ name: String, _ rng: inout RandomGenerator) -> [DecoderLevel] {
      let n = blocksDown.count - 1
      return (0..<n).map { i in
        let cIn = initFilters << (n - i)
        let c = cIn / 2
        let lp = key(prefix, "\(name).\(i)")
        let up = ConvTranspose3d(
          key(lp, "upsample.deconv"), cIn, c, kernel: 3, stride: 2, padding: 1, outputPadding: 1, bias: false,
          using: &rng)
        let block = SegResBlock(key(lp, "blocks.0"), channels: c, using: &rng)
        let head =
          i == n - 1 ? Conv3d(key(lp, "head"), c, outChannels, kernel: 1, bias: true, using: &rng) : nil
        return DecoderLevel(upsample: up, blocks: [block], head: head)
      }
    }
    upLayers = decoder("up_layers", &rng)
    upLayersAuto = decoder("up_layers_auto", &rng)
  }

  public var stateEntries: [Parameter] {
    var all = convInit.stateEntries
    for l in levels {
      all += l.blocks.flatMap(\.stateEntries)
      all += l.downsample?.stateEntries ?? []
    }
    for d in [upLayers, upLayersAuto] {
      for l in d {
        all += l.upsample.stateEntries + l.blocks.flatMap(\.stateEntries) + (l.head?.stateEntries ?? [])
      }
    }
    return all
  }

  /// Checks the input-size rule and returns a clear error when it fails.
  func validate(_ shape: [Int]) throws {
    guard shape.count == 5, shape[1] == convInit.weight.shape[1] else {
      throw VistaError.badShape(
        "VISTA3D", shape, expected: "an image [N, \(convInit.weight.shape[1]), H, W, D]")
    }
    let spatial = Array(shape[2...])
    guard spatial.allSatisfy({ $0 > 0 && $0 % shapeFactor == 0 }) else {
      let suggestion = spatial.map { max(shapeFactor, ($0 + shapeFactor - 1) / shapeFactor * shapeFactor) }
      throw VistaError(
        "VISTA3D: input spatial size \(formatShape(spatial)) must be divisible by \(shapeFactor) in every dimension; pad or crop it, e.g. to \(formatShape(suggestion))"
      )
    }
    guard spatial.map({ $0 / shapeFactor }).elementCount > 1 else {
      throw VistaError(
        "VISTA3D: input spatial size \(formatShape(spatial)) is too small: the bottleneck would be a single voxel (instance norm needs more); use at least \(2 * shapeFactor) in one dimension"
      )
    }
  }

  /// The encoder skips, finest first: [N, initFilters·2^i, H/2^i, …] for each level.
  public func encode(_ x: Variable) throws -> [Variable] {
    try validate(x.shape)
    var h = try convInit(x)
    var skips: [Variable] = []
    for level in levels {
      for b in level.blocks { h = try b(h) }
      skips.append(h)
      if let down = level.downsample { h = try down(h) }
    }
    return skips
  }

  /// Runs one decoder from the skips (finest first) to its head output [N, outChannels, H, W, D].
  func decode(_ decoder: [DecoderLevel], _ skips: [Variable]) throws -> Variable {
    var h = skips[skips.count - 1]
    for (i, level) in decoder.enumerated() {
      h = try level.upsample(h) + skips[skips.count - 2 - i]
      for b in level.blocks { h = try b(h) }
      if let head = level.head { h = try head(h) }
    }
    return h
  }

  /// `forward(x, with_point, with_label)`: the encoder once, then only the decoders asked for.
  public func callAsFunction(_ x: Variable, withPoint: Bool, withLabel: Bool) throws -> (point: Variable?, auto: Variable?) {
    let skips = try encode(x)
    let point = withPoint ? try decode(upLayers, skips) : nil
    let auto = withLabel ? try decode(upLayersAuto, skips) : nil
    return (point, auto)
  }
}
