"""Golden fixtures for autocast (Tests/VistaCoreTests/Golden/autocast/).

Each case runs a float32 op under `torch.autocast("cpu", dtype=...)` and saves the float32 inputs
<name>_in<i>.npy and the 16-bit output widened to float32, <name>_y.npy. The Swift tests run the same
op under `Autocast.with(...)` and compare within a couple of 16-bit ulps (accumulation order differs).
"""
import pathlib

import numpy as np
import torch
import torch.nn.functional as F


def _case(out: pathlib.Path, name, fn, inputs, dtype):
    with torch.autocast("cpu", dtype=dtype):
        y = fn(*inputs)
    assert y.dtype == dtype, (name, y.dtype)
    for i, x in enumerate(inputs):
        np.save(out / f"{name}_in{i}.npy", x.numpy())
    np.save(out / f"{name}_y.npy", y.float().numpy())


def generate(out: pathlib.Path):
    torch.manual_seed(0)
    r = torch.randn
    bf, fp = torch.bfloat16, torch.float16
    conv = lambda x, w, b: F.conv3d(x, w, b, stride=1, padding=1)
    conv_s2 = lambda x, w: F.conv3d(x, w, None, stride=2, padding=1)
    deconv = lambda x, w: F.conv_transpose3d(x, w, None, stride=2, padding=1, output_padding=1)
    _case(out, "conv3d_bf16", conv, [r(2, 4, 6, 5, 7), r(5, 4, 3, 3, 3) * 0.2, r(5)], bf)
    _case(out, "conv3d_s2_bf16", conv_s2, [r(1, 3, 6, 6, 5), r(4, 3, 3, 3, 3) * 0.2], bf)
    _case(out, "conv_transpose3d_bf16", deconv, [r(1, 4, 3, 4, 3), r(4, 3, 3, 3, 3) * 0.2], bf)
    _case(out, "linear_bf16", F.linear, [r(3, 7, 16), r(10, 16) * 0.25, r(10)], bf)
    _case(out, "matmul_bf16", torch.matmul, [r(2, 3, 5, 8), r(2, 3, 8, 6)], bf)
    _case(out, "conv3d_fp16", conv, [r(2, 4, 6, 5, 7), r(5, 4, 3, 3, 3) * 0.2, r(5)], fp)
    _case(out, "linear_fp16", F.linear, [r(3, 7, 16), r(10, 16) * 0.25, r(10)], fp)
