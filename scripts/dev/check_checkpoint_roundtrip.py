#!/usr/bin/env python3
"""Round trip of the full VISTA3D state dict through our Swift checkpoint reader and writer.

  (a) builds MONAI's vista3d132() (seeded), torch.save()s its state_dict to a temp folder;
  (b) `vista-bench checkpoint --convert` reads it with our reader and writes it with our writer
      (torch.save format, and safetensors);
  (c) torch.load(ours, weights_only=True) + vista3d132().load_state_dict(sd, strict=True), and every
      tensor is compared bit for bit with the original (keys, order, dtype, shape, bytes);
  (d) our safetensors file is parsed by hand (the safetensors package is optional) and compared too.

Run from the repository root (needs torch + monai; takes a few minutes, ~3 GB of /tmp):

    /work/main/.venv-ref/bin/python scripts/dev/check_checkpoint_roundtrip.py [--keep] [--tmp DIR]
"""
import argparse
import json
import pathlib
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from monai.networks.nets import vista3d132

ROOT = pathlib.Path(__file__).resolve().parents[2]
ST_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
             "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8, "BOOL": torch.bool}


def same_bits(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    return a.contiguous().view(torch.uint8).numpy().tobytes() == b.contiguous().view(torch.uint8).numpy().tobytes()


def compare(label, ref, got):
    bad = []
    if list(ref.keys()) != list(got.keys()):
        missing = [k for k in ref if k not in got]
        extra = [k for k in got if k not in ref]
        bad.append(f"key lists differ: missing {missing[:5]}, extra {extra[:5]}, order same: {sorted(ref) == sorted(got)}")
    for k, v in ref.items():
        if k in got and not same_bits(v, got[k]):
            bad.append(f"{k}: {v.dtype} {tuple(v.shape)} vs {got[k].dtype} {tuple(got[k].shape)} or values differ")
    n = sum(v.numel() for v in ref.values())
    print(f"{label}: {len(got)} tensors, {n} values: " + ("bit-identical" if not bad else f"{len(bad)} PROBLEMS"))
    for b in bad[:10]:
        print("   ", b)
    return not bad


def read_safetensors(path):
    raw = pathlib.Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    data = memoryview(raw)[8 + n:]
    out = {}
    for k, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        b, end = e["data_offsets"]
        dt = ST_DTYPES[e["dtype"]]
        out[k] = torch.frombuffer(bytearray(data[b:end]), dtype=dt).reshape(e["shape"]) if end > b else \
            torch.zeros(e["shape"], dtype=dt)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", action="store_true", help="keep the temp files")
    ap.add_argument("--tmp", default=None, help="folder for the ~3 GB of temp files (default: system temp)")
    args = ap.parse_args()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="ckpt-roundtrip-", dir=args.tmp))
    ref_path, ours_pt, ours_st = tmp / "vista3d132_torch.pt", tmp / "vista3d132_ours.pt", tmp / "vista3d132_ours.safetensors"

    torch.manual_seed(0)
    ref = vista3d132().state_dict()
    t0 = time.time()
    torch.save(ref, ref_path)
    print(f"torch.save: {ref_path} ({ref_path.stat().st_size / 1e6:.1f} MB) in {time.time() - t0:.2f} s")

    subprocess.run(["swift", "build", "-c", "release", "--product", "vista-bench"], cwd=ROOT, check=True)
    bench = ROOT / ".build" / "release" / "vista-bench"
    for out in (ours_pt, ours_st):
        subprocess.run([str(bench), "checkpoint", "--convert", str(ref_path), str(out)], cwd=ROOT, check=True)

    t0 = time.time()
    sd = torch.load(ours_pt, weights_only=True)
    print(f"torch.load(ours, weights_only=True): {len(sd)} entries in {time.time() - t0:.2f} s")
    net = vista3d132()
    result = net.load_state_dict(sd, strict=True)
    print(f"vista3d132().load_state_dict(ours, strict=True): {result}")
    ok = compare("torch.load(ours) vs original", ref, sd)
    ok &= compare("model state after load vs original", ref, net.state_dict())
    ok &= compare("our safetensors vs original", ref, read_safetensors(ours_st))

    if not args.keep:
        for p in (ref_path, ours_pt, ours_st):
            p.unlink(missing_ok=True)
        tmp.rmdir()
    print("ROUND TRIP OK" if ok else "ROUND TRIP FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
