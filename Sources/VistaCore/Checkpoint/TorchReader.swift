/// Reads `torch.save` files (the zip container of torch ≥ 1.6) into a `StateDict`.
///
/// The archive's central directory is parsed from the memory-mapped file, `data.pkl` goes through
/// the `SafeUnpickler`, and every tensor is copied once, from its storage member into its buffer.
enum TorchReader {
  /// True when the bytes start like a zip archive.
  static func looksLikeZip(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && bytes[2] == 0x03 && bytes[3] == 0x04
  }

  /// The state dict's (key, tensor) pairs in a mapped torch.save file, the wrapper key they were
  /// found under, and the archive with its member prefix.
  static func readPairs(_ file: MappedFile) throws
    -> (pairs: [(String, TensorRef)], wrapper: String?, archive: ZipArchive, prefix: String)
  {
    let archive = try ZipArchive(file.bytes, path: file.path)
    guard
      let pkl = archive.entries.first(where: {
        $0.name == "data.pkl" || $0.name.hasSuffix("/data.pkl")
      })
    else {
      let names = archive.entries.prefix(5).map(\.name).joined(separator: ", ")
      throw VistaError(
        "checkpoint '\(file.path)' is a zip archive without data.pkl (members: \(names.isEmpty ? "none" : names)); it is not a torch.save file"
      )
    }
    let prefix = String(pkl.name.dropLast("data.pkl".count))
    if let bo = archive.entry(prefix + "byteorder") {
      let order = String(decoding: archive.bytes(of: bo), as: UTF8.self)
      guard order == "little" else {
        throw VistaError(
          "checkpoint '\(file.path)' was saved on a '\(order)'-endian machine; only little-endian is supported"
        )
      }
    }
    let (pairs, wrapper) = try SafeUnpickler.withLoaded(
      try archive.verifiedBytes(of: pkl), path: file.path
    ) {
      try StateDictLocator.locate($0, path: file.path)
    }
    return (pairs, wrapper, archive, prefix)
  }

  /// Reads the tensors of `pairs` (key → tensor description) from `archive` in order.
  static func materialize(
    _ pairs: [(String, TensorRef)], archive: ZipArchive, prefix: String, path: String, verify: Bool
  ) throws -> StateDict {
    // Resolve and check every storage first, so a broken file fails before any big copy.
    var storages: [String: UnsafeRawBufferPointer] = [:]
    var toVerify: [ZipEntry] = []
    for (key, ref) in pairs where storages[ref.storage.key] == nil {
      let member = prefix + "data/" + ref.storage.key
      guard let entry = archive.entry(member) else {
        throw VistaError(
          "checkpoint '\(path)': tensor '\(key)' refers to storage '\(member)', which the archive does not contain; the file is corrupt or truncated"
        )
      }
      let need = ref.storage.numel.multipliedReportingOverflow(by: ref.storage.dtype.byteSize)
      guard !need.overflow, entry.size >= need.partialValue else {
        throw VistaError(
          "checkpoint '\(path)': storage '\(member)' holds \(entry.size) bytes but tensor '\(key)' needs \(ref.storage.numel) × \(ref.storage.dtype.byteSize); the file is corrupt"
        )
      }
      storages[ref.storage.key] = archive.bytes(of: entry)
      if verify { toVerify.append(entry) }
    }
    if !toVerify.isEmpty {
      // Checksums of all storages on both cores (largest first for balance).
      toVerify.sort { $0.size > $1.size }
      var ok = [Bool](repeating: false, count: toVerify.count)
      ok.withUnsafeMutableBufferPointer { ok in
        parallelFor(toVerify.count) { i in
          let b = archive.bytes(of: toVerify[i])
          ok[i] = CRC32.checksum(b.baseAddress, count: b.count) == toVerify[i].crc
        }
      }
      if let bad = ok.firstIndex(of: false) {
        throw VistaError(
          "checkpoint '\(path)' is corrupt: member '\(toVerify[bad].name)' fails its CRC check (the file is damaged)"
        )
      }
    }
    var sd = StateDict(source: path)
    for (key, ref) in pairs {
      let bytes = storages[ref.storage.key] ?? UnsafeRawBufferPointer(start: nil, count: 0)
      sd[key] = try StorageConversion.value(
        base: bytes.baseAddress, storageCount: ref.storage.numel, dtype: ref.storage.dtype,
        offset: ref.offset,
        shape: ref.shape, strides: ref.strides, what: "checkpoint '\(path)': tensor '\(key)'")
    }
    return sd
  }
}

/// Finding the state dict inside whatever object a checkpoint holds.
enum StateDictLocator {
  /// The (key, tensor) pairs of the state dict in `root`: the root dict itself, or its `"model"`
  /// or `"state_dict"` entry. Returns the wrapper key used, if any.
  static func locate(_ root: PickleValue, path: String) throws -> (
    pairs: [(String, TensorRef)], wrapper: String?
  ) {
    guard case .dict(let top) = root else {
      throw VistaError(
        "checkpoint '\(path)' holds a \(root.kind), not a state dict (expected an OrderedDict of tensors or {\"model\": …})"
      )
    }
    for wrapper in ["model", "state_dict"] {
      if let inner = top[wrapper], case .dict(let d) = inner {
        return (try tensors(of: d, path: path, context: "'\(wrapper)' entry"), wrapper)
      }
    }
    return (try tensors(of: top, path: path, context: "top-level dict"), nil)
  }

  private static func tensors(of d: PickleDict, path: String, context: String) throws -> [(
    String, TensorRef
  )] {
    var pairs: [(String, TensorRef)] = []
    var others: [String] = []
    for (k, v) in d.items {
      let name: String
      switch k {
      case .string(let s): name = s
      case .int(let i): name = String(i)
      default: name = "<\(k.kind) key>"
      }
      if case .tensor(let t) = v, case .string = k {
        pairs.append((name, t))
      } else {
        others.append("\(name) (\(v.kind))")
      }
    }
    guard others.isEmpty else {
      let shown =
        others.prefix(8).joined(separator: ", ")
        + (others.count > 8 ? ", … and \(others.count - 8) more" : "")
      throw VistaError(
        "checkpoint '\(path)': the \(context) is not a state dict: \(others.count) entr\(others.count == 1 ? "y is" : "ies are") not tensors: \(shown) (expected tensors, or a 'model'/'state_dict' entry holding them)"
      )
    }
    return pairs
  }
}
