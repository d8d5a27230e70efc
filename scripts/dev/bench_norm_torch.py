#!/usr/bin/env python3
"""PyTorch's instance norm (+ relu) forward/backward times for the shapes of `vista-bench norm`.

    /work/main/.venv-ref/bin/python scripts/dev/bench_norm_torch.py
"""
import time

import torch
import torch.nn.functional as F


def best_ms(fn, reps=7):
    fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1e3


def main():
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for label, shape in [("48ch@64^3", (1, 48, 64, 64, 64)), ("96ch@64^3", (1, 96, 64, 64, 64)),
                         ("48ch@128^3", (1, 48, 128, 128, 128))]:
        c = shape[1]
        x = torch.rand(shape) * 4 - 1
        g = torch.rand(shape) * 2 - 1
        w = torch.full((c,), 1.1, requires_grad=True)
        b = torch.full((c,), 0.1, requires_grad=True)
        with torch.no_grad():
            fwd = best_ms(lambda: F.relu(F.instance_norm(x, weight=w, bias=b, eps=1e-5)))

        def backward():
            xl = x.clone().requires_grad_(True)
            y = F.relu(F.instance_norm(xl, weight=w, bias=b, eps=1e-5))
            t0 = time.perf_counter()
            y.backward(g)
            return time.perf_counter() - t0

        backward()
        bwd = min(backward() for _ in range(5)) * 1e3
        print(f"{label:12s} instance_norm+relu forward {fwd:8.2f} ms   backward {bwd:8.2f} ms")


if __name__ == "__main__":
    main()
