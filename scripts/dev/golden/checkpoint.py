"""Golden fixtures for the checkpoint reader: small torch.save / safetensors files plus expected values.

Writes Tests/VistaCoreTests/Golden/checkpoint/:
  <name>.pt / tiny.safetensors      the files the Swift reader loads
  <name>/<key>.npy                  expected values (float32 for float dtypes, int64/uint8 for ints/bool)
  manifest.json                     per file: ordered [key, dtype, shape] after the reader's normalisation
  malicious_*.pt                    zips whose data.pkl would run code (os.system, builtins.eval) if unpickled
  legacy.pt                         the pre-1.6 (non-zip) torch.save format, which we refuse clearly
"""
import collections
import io
import json
import pathlib
import pickle
import struct
import zipfile

import numpy as np
import torch

DT = {
    torch.float32: "float32", torch.float16: "float16", torch.bfloat16: "bfloat16", torch.float64: "float64",
    torch.int64: "int64", torch.int32: "int32", torch.int16: "int16", torch.int8: "int8", torch.uint8: "uint8",
    torch.bool: "bool",
}


def expected_array(t):
    t = t.detach().contiguous()
    if t.dtype in (torch.float32, torch.float16, torch.bfloat16, torch.float64):
        return t.float().numpy()
    if t.dtype == torch.bool:
        return t.numpy().astype(np.uint8)
    return t.numpy().astype(np.int64)


def save_expected(out, name, sd, keymap=None):
    """Writes <name>/<key>.npy for each tensor and returns the manifest rows (after renaming)."""
    d = out / name
    d.mkdir(exist_ok=True)
    rows = []
    for k, t in sd.items():
        k2 = keymap(k) if keymap else k
        if k2 is None:
            continue
        np.save(d / f"{k2}.npy", expected_array(t))
        rows.append([k2, DT[t.dtype], list(t.shape)])
    return rows


def dtypes_sd():
    g = torch.Generator().manual_seed(0)
    sd = collections.OrderedDict()
    sd["f32"] = torch.randn(3, 4, generator=g)
    sd["f16"] = (torch.randn(5, generator=g) * 100).half()
    sd["bf16"] = torch.randn(2, 3, generator=g).bfloat16()
    sd["f64"] = torch.randn(4, generator=g, dtype=torch.float64) * 1e3
    sd["i64"] = torch.tensor([0, -1, 7, 2**31 - 1, -(2**31), 42], dtype=torch.int64)
    sd["i32"] = torch.tensor([5, -6, 7], dtype=torch.int32)
    sd["u8"] = torch.tensor([0, 1, 200, 255], dtype=torch.uint8)
    sd["b"] = torch.tensor([True, False, True, True, False])
    sd["scalar"] = torch.tensor(3.25)
    sd["empty"] = torch.zeros(0, 3)
    return sd


def views_sd():
    base = torch.arange(60, dtype=torch.float32).reshape(3, 4, 5)
    g = torch.Generator().manual_seed(1)
    conv = torch.randn(4, 3, 2, 2, 2, generator=g).to(memory_format=torch.channels_last_3d)
    sd = collections.OrderedDict()
    sd["base"] = base
    sd["transposed"] = base.transpose(0, 2)        # non-contiguous, shares base's storage
    sd["sliced"] = base[:, 1:3, ::2]                # offset + strides
    sd["row"] = base[1]                             # storage_offset 20, contiguous
    sd["expanded"] = torch.arange(3.0).expand(4, 3)  # stride 0
    sd["channels_last"] = conv                      # permuted strides
    sd["ints_t"] = torch.arange(6, dtype=torch.int64).reshape(2, 3).t()
    return sd


def tiny_model():
    torch.manual_seed(2)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2), torch.nn.BatchNorm1d(2))


def research_sd():
    g = torch.Generator().manual_seed(3)
    sd = collections.OrderedDict()
    for name, shape in [
        ("class_head.mlp.0.weight", (4, 4)),
        ("point_head.transformer.layers.0.mlp.lin1.weight", (8, 4)),
        ("point_head.transformer.layers.0.mlp.lin1.bias", (8,)),
        ("point_head.transformer.layers.0.mlp.lin2.weight", (4, 8)),
        ("point_head.transformer.layers.0.mlp.lin2.bias", (4,)),
        ("point_head.output_add_hypernetworks_mlps.0.layers.0.weight", (4, 4)),
        ("point_head.output_add_hypernetworks_mlps.0.layers.0.bias", (4,)),
        ("point_head.output_upscaling.0.weight", (2, 2)),
        ("weight_mapper.0.weight", (6, 4)),
        ("weight_mapper.0.bias", (6,)),
        ("weight_mapper.3.weight", (1, 6)),
        ("weight_mapper.3.bias", (1,)),
    ]:
        sd[name] = torch.randn(*shape, generator=g)
    return sd


def research_name(k):
    if k.startswith("point_head.output_add_hypernetworks_mlps.") or k.startswith("weight_mapper."):
        return None
    return k.replace(".mlp.lin1.", ".mlp.linear1.").replace(".mlp.lin2.", ".mlp.linear2.")


def write_safetensors(path, tensors, metadata):
    """The safetensors layout by hand (the package is not installed): u64 header size, JSON, data."""
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64",
             torch.bool: "BOOL", torch.float64: "F64", torch.int32: "I32", torch.uint8: "U8"}
    blobs, header, off = [], {}, 0
    for k, t in tensors.items():
        t = t.contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[k] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    # Header keys deliberately not in data order: the reader orders by offset.
    ordered = {"__metadata__": metadata}
    for k in sorted(header, reverse=True):
        ordered[k] = header[k]
    h = json.dumps(ordered).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    path.write_bytes(struct.pack("<Q", len(h)) + h + b"".join(blobs))


class _Evil:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return (self.fn, (self.arg,))


def write_malicious(path, payload_obj):
    """A torch.save-shaped zip whose data.pkl would call a dangerous global when unpickled."""
    stem = path.stem
    data = pickle.dumps(collections.OrderedDict(x=payload_obj), protocol=2)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for name, payload in [("data.pkl", data), ("byteorder", b"little"), ("version", b"3\n")]:
            z.writestr(zipfile.ZipInfo(f"{stem}/{name}", date_time=(1980, 1, 1, 0, 0, 0)), payload)


def generate(out_dir: pathlib.Path):
    import os
    import builtins

    manifest = {}
    sd = dtypes_sd()
    torch.save(sd, out_dir / "dtypes.pt")
    manifest["dtypes.pt"] = save_expected(out_dir, "dtypes", sd)

    sd = views_sd()
    torch.save(sd, out_dir / "views.pt")
    manifest["views.pt"] = save_expected(out_dir, "views", sd)

    # Protocol 4 exercises FRAME, SHORT_BINUNICODE, STACK_GLOBAL and MEMOIZE.
    sd = dtypes_sd()
    torch.save(sd, out_dir / "protocol4.pt", pickle_protocol=4)
    manifest["protocol4.pt"] = manifest["dtypes.pt"]

    # A real module's state_dict (OrderedDict with _metadata → BUILD) inside {"model": …} with an
    # Adam state and an epoch beside it; BatchNorm adds int64 num_batches_tracked.
    model = tiny_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model(torch.randn(5, 3)).sum().backward()
    opt.step()
    msd = model.state_dict()
    torch.save({"epoch": 3, "model": msd, "optimizer": opt.state_dict(), "note": None}, out_dir / "wrapped_model.pt")
    manifest["wrapped_model.pt"] = save_expected(out_dir, "wrapped_model", msd)

    # {"state_dict": …} with DDP's module. prefix.
    ddp = collections.OrderedDict(("module." + k, v) for k, v in msd.items())
    torch.save({"state_dict": ddp}, out_dir / "module_prefix.pt")
    manifest["module_prefix.pt"] = manifest["wrapped_model.pt"]

    # nn.Parameter values pickle through torch._utils._rebuild_parameter.
    g = torch.Generator().manual_seed(5)
    params = collections.OrderedDict(weight=torch.nn.Parameter(torch.randn(2, 3, generator=g)),
                                     bias=torch.nn.Parameter(torch.randn(2, generator=g), requires_grad=False))
    torch.save(params, out_dir / "parameters.pt")
    manifest["parameters.pt"] = save_expected(out_dir, "parameters", params)

    # Research-repo naming (mlp.lin1/lin2 and the extra keys).
    sd = research_sd()
    torch.save(sd, out_dir / "research.pt")
    manifest["research.pt"] = save_expected(out_dir, "research", sd, research_name)

    # safetensors by hand.
    g = torch.Generator().manual_seed(4)
    st = collections.OrderedDict()
    st["a.weight"] = torch.randn(2, 3, generator=g)
    st["b.half"] = torch.randn(4, generator=g).half()
    st["c.bf16"] = torch.randn(3, generator=g).bfloat16()
    st["d.ids"] = torch.tensor([1, -2, 3], dtype=torch.int64)
    st["e.mask"] = torch.tensor([True, False])
    write_safetensors(out_dir / "tiny.safetensors", st, {"format": "pt", "note": "golden"})
    manifest["tiny.safetensors"] = save_expected(out_dir, "tiny", st)

    write_malicious(out_dir / "malicious_os_system.pt", _Evil(os.system, "echo pwned"))
    write_malicious(out_dir / "malicious_eval.pt", _Evil(builtins.eval, "1+1"))
    torch.save(dtypes_sd(), out_dir / "legacy.pt", _use_new_zipfile_serialization=False)

    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
