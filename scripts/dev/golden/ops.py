"""Golden fixtures for the differentiable ops (Tests/VistaCoreTests/Golden/ops/).

For each case <name> it writes the inputs <name>_in<i>.npy, the output <name>_y.npy, a random upstream
gradient <name>_gy.npy and PyTorch's input gradients <name>_g<i>.npy (for float inputs that require grad).
The Swift tests run the same op, back-propagate <name>_gy and compare all of them.
"""
import math
import pathlib

import numpy as np
import torch
import torch.nn.functional as F


def _case(out: pathlib.Path, name, fn, inputs, grad_inputs=None):
    """Runs fn(*inputs) and saves inputs, output, upstream grad and input grads."""
    grad_inputs = range(len(inputs)) if grad_inputs is None else grad_inputs
    leaves = []
    for i, x in enumerate(inputs):
        if isinstance(x, torch.Tensor) and x.dtype == torch.float32:
            x = x.detach().clone().requires_grad_(i in grad_inputs)
        leaves.append(x)
    y = fn(*leaves)
    gy = torch.randn_like(y)
    y.backward(gy)
    for i, x in enumerate(leaves):
        np.save(out / f"{name}_in{i}.npy", x.detach().numpy())
        if isinstance(x, torch.Tensor) and x.requires_grad:
            np.save(out / f"{name}_g{i}.npy", x.grad.numpy())
    np.save(out / f"{name}_y.npy", y.detach().numpy())
    np.save(out / f"{name}_gy.npy", gy.numpy())


def generate(out: pathlib.Path):
    torch.manual_seed(0)
    r = torch.randn
    # Broadcasting arithmetic.
    _case(out, "add", torch.add, [r(2, 3, 1, 4), r(3, 5, 1)])
    _case(out, "sub", torch.sub, [r(3, 1), r(2, 1, 4)])
    _case(out, "mul", torch.mul, [r(2, 3, 4, 5), r(1, 3, 1, 1)])
    _case(out, "div", torch.div, [r(4, 1, 3), r(5, 1).abs() + 0.5])
    # Unary math and activations.
    x = r(3, 7) * 2
    _case(out, "relu", F.relu, [x])
    _case(out, "leaky_relu", lambda t: F.leaky_relu(t, 0.2), [x])
    _case(out, "gelu", F.gelu, [x])
    _case(out, "sigmoid", torch.sigmoid, [x * 4])
    _case(out, "sin", torch.sin, [x])
    _case(out, "cos", torch.cos, [x])
    _case(out, "exp", torch.exp, [x])
    _case(out, "log", torch.log, [x.abs() + 0.1])
    _case(out, "sqrt", torch.sqrt, [x.abs() + 0.1])
    _case(out, "square", torch.square, [x])
    _case(out, "clamp", lambda t: torch.clamp(t, -0.5, 0.7), [x])
    # Reductions.
    _case(out, "sum_axes", lambda t: t.sum(dim=(1, -1), keepdim=True), [r(2, 3, 4, 5)])
    _case(out, "mean_axes", lambda t: t.mean(dim=(0, 2)), [r(2, 3, 4, 5)])
    # Normalisation (instance norm: 3-d, 1-d, fused activations as separate torch ops).
    def inorm(t, w, b):
        return F.instance_norm(t, weight=w, bias=b, eps=1e-5)
    _case(out, "instance_norm3d", inorm, [r(2, 3, 5, 4, 3) * 3 + 1, r(3), r(3)])
    _case(out, "instance_norm1d", lambda t: F.instance_norm(t, eps=1e-5), [r(2, 3, 7)])
    _case(out, "instance_norm_relu", lambda t, w, b: F.relu(inorm(t, w, b)), [r(1, 4, 6, 5, 3), r(4), r(4)])
    _case(out, "instance_norm_leaky", lambda t, w, b: F.leaky_relu(inorm(t, w, b), 0.01),
          [r(2, 2, 9, 7), r(2), r(2)])
    _case(out, "layer_norm", lambda t, w, b: F.layer_norm(t, (8,), w, b, 1e-5), [r(2, 3, 8), r(8), r(8)])
    # Products.
    _case(out, "linear", F.linear, [r(2, 3, 5), r(4, 5), r(4)])
    _case(out, "matmul", torch.matmul, [r(2, 1, 3, 4), r(3, 4, 5)])
    _case(out, "matmul_shared", torch.matmul, [r(2, 3, 4), r(4, 5)])
    _case(out, "channel_dot", lambda e, f: torch.einsum("bc,nc...->bn...", e, f), [r(2, 3), r(4, 3, 2, 3, 2)])
    # Embedding, softmax, attention.
    idx = torch.tensor([[0, 5, 2], [2, 2, 1]], dtype=torch.int64)
    _case(out, "embedding", lambda w, i: F.embedding(i, w), [r(6, 4), idx], grad_inputs=[0])
    _case(out, "softmax_axis1", lambda t: torch.softmax(t, dim=1), [r(2, 5, 3)])
    _case(out, "softmax_last", lambda t: torch.softmax(t, dim=-1), [r(3, 6) * 30])

    def attention(q, k, v):
        a = q @ k.permute(0, 1, 3, 2)
        a = a / math.sqrt(q.shape[-1])
        return torch.softmax(a, dim=-1) @ v
    _case(out, "attention", attention, [r(1, 2, 5, 4), r(1, 2, 6, 4), r(1, 2, 6, 3)])
