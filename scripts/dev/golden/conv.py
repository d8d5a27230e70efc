"""Golden fixtures for conv3d and conv_transpose3d: inputs, weights, outputs and gradients.

Each case writes <case>_{x,w,b,y,gy,gx,gw,gb}.npy (b/gb only when the case has a bias), where gy is
the upstream gradient and gx/gw/gb the gradients of sum(y * gy). The Swift tests hold the same
case table (name, op, stride, padding, output padding).
"""
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

# name, transposed, x shape, w shape, bias, stride, padding, output_padding
CASES = [
    ("conv_noncubic", False, (1, 3, 5, 6, 7), (4, 3, 3, 3, 3), True, 1, 1, 0),
    ("conv_1ch", False, (1, 1, 5, 5, 5), (2, 1, 3, 3, 3), False, 1, 0, 0),
    ("conv_s2_odd_b2", False, (2, 3, 7, 5, 9), (4, 3, 3, 3, 3), True, 2, 1, 0),
    ("conv_k1", False, (2, 4, 3, 4, 5), (3, 4, 1, 1, 1), True, 1, 0, 0),
    ("conv_k2_s2", False, (1, 2, 6, 5, 4), (3, 2, 2, 2, 2), False, 2, 0, 0),
    ("convt_k3s2p1op1", True, (1, 4, 3, 4, 5), (4, 3, 3, 3, 3), True, 2, 1, 1),
    ("convt_k3s3p1op2_b2", True, (2, 3, 3, 2, 4), (3, 2, 3, 3, 3), False, 3, 1, 2),
    ("convt_k2s1", True, (1, 2, 4, 3, 5), (2, 3, 2, 2, 2), True, 1, 0, 0),
]

# Forward-only cases for the Winograd kernel (ConvWinograd.swift): stride 1, k3, padding 1 with
# channels ≥ 32, odd non-cubic sizes so edge tiles are clipped. Writes <case>_{x,w,b,y}.npy.
WINOGRAD_CASES = [
    ("conv_winograd", (1, 32, 5, 6, 7), (33, 32, 3, 3, 3)),
]


def generate(out_dir: pathlib.Path):
    torch.manual_seed(20261126)
    for name, transposed, xs, ws, has_bias, s, p, op in CASES:
        x = torch.randn(xs, dtype=torch.float32, requires_grad=True)
        w = (torch.randn(ws, dtype=torch.float32) * 0.3).requires_grad_(True)
        b = torch.randn(ws[1] if transposed else ws[0], dtype=torch.float32, requires_grad=True) if has_bias else None
        if transposed:
            y = F.conv_transpose3d(x, w, b, stride=s, padding=p, output_padding=op)
        else:
            y = F.conv3d(x, w, b, stride=s, padding=p)
        gy = torch.randn_like(y)
        (y * gy).sum().backward()
        arrays = {"x": x, "w": w, "y": y, "gy": gy, "gx": x.grad, "gw": w.grad}
        if has_bias:
            arrays.update(b=b, gb=b.grad)
        for key, t in arrays.items():
            np.save(out_dir / f"{name}_{key}.npy", t.detach().numpy().astype(np.float32))
    for name, xs, ws in WINOGRAD_CASES:
        x = torch.randn(xs, dtype=torch.float32)
        w = torch.randn(ws, dtype=torch.float32) * 0.1
        b = torch.randn(ws[0], dtype=torch.float32)
        y = F.conv3d(x, w, b, stride=1, padding=1)
        for key, t in {"x": x, "w": w, "b": b, "y": y}.items():
            np.save(out_dir / f"{name}_{key}.npy", t.numpy().astype(np.float32))
