#!/usr/bin/env python3
"""PyTorch's CPU conv3d / conv_transpose3d speed on the vista3d132 conv shapes (batch 1, 64³ patch).

Prints the same table as `swift run -c release vista-bench conv`: forward, input-grad and weight-grad
GFLOP/s (median of N runs after one warm-up) with 2 threads; --cpu times process CPU ÷ 2 instead. The grads are timed separately through
aten.convolution_backward with an output mask. Run: /work/main/.venv-ref/bin/python scripts/dev/bench_torch_conv.py [filter…] [--reps n]
"""
import os
import sys
import time

import torch

# name, transposed, cin, cout, n (input side), k, stride
CASES = [
    ("conv_init 1→48 @64", False, 1, 48, 64, 3, 1),
    ("block 48 @64", False, 48, 48, 64, 3, 1),
    ("block 48 @128 (slabs)", False, 48, 48, 128, 3, 1),
    ("block 96 @32", False, 96, 96, 32, 3, 1),
    ("block 192 @16", False, 192, 192, 16, 3, 1),
    ("block 384 @8", False, 384, 384, 8, 3, 1),
    ("block 768 @4", False, 768, 768, 4, 3, 1),
    ("down 48→96 64→32", False, 48, 96, 64, 3, 2),
    ("down 96→192 32→16", False, 96, 192, 32, 3, 2),
    ("down 192→384 16→8", False, 192, 384, 16, 3, 2),
    ("down 384→768 8→4", False, 384, 768, 8, 3, 2),
    ("up 768→384 4→8", True, 768, 384, 4, 3, 2),
    ("up 384→192 8→16", True, 384, 192, 8, 3, 2),
    ("up 192→96 16→32", True, 192, 96, 16, 3, 2),
    ("up 96→48 32→64", True, 96, 48, 32, 3, 2),
    ("head 1x1 48→48 @64", False, 48, 48, 64, 1, 1),
]


CLOCK = time.perf_counter


def median_seconds(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t0 = CLOCK()
        fn()
        ts.append(CLOCK() - t0)
    ts.sort()
    return ts[len(ts) // 2]


def main(argv):
    global CLOCK
    reps, filters = 5, []
    i = 0
    while i < len(argv):
        if argv[i] == "--cpu":
            # Process CPU seconds ÷ 2 threads: a rough load-independent estimate (OpenMP spin-waits
            # count as work, so this is pessimistic for torch).
            CLOCK = lambda: time.process_time() / 2
            i += 1
        elif argv[i] == "--reps":
            reps = int(argv[i + 1])
            i += 2
        else:
            filters.append(argv[i])
            i += 1
    torch.set_num_threads(2)
    torch.manual_seed(0)
    a = torch.randn(2048, 2048)
    b = torch.randn(2048, 2048)
    sq = 2 * 2048**3 / median_seconds(lambda: a @ b, 5) / 1e9
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, mkldnn {torch.backends.mkldnn.is_available()}")
    print(f"torch matmul square 2048: {sq:.1f} GFLOP/s (percentages below are of this)")
    print(f"{'layer':26s}   fwd GF/s    %   dIn GF/s    %   dW GF/s    %")
    with torch.no_grad():
        for name, transposed, cin, cout, n, k, s in CASES:
            if filters and not any(f in name for f in filters):
                continue
            p = k // 2
            x = torch.randn(1, cin, n, n, n)
            if transposed:
                w = torch.randn(cin, cout, k, k, k) * 0.1
                fwd = lambda: torch.nn.functional.conv_transpose3d(x, w, stride=s, padding=p, output_padding=s - 1)
                out_n = 2 * n
                flops = 2.0 * cin * cout * k**3 * n**3  # conv-side: small side × Cin·Cout·k³
            else:
                w = torch.randn(cout, cin, k, k, k) * 0.1
                fwd = lambda: torch.nn.functional.conv3d(x, w, stride=s, padding=p)
                out_n = (n + 2 * p - k) // s + 1
                flops = 2.0 * cin * cout * k**3 * out_n**3
            y = fwd()
            gy = torch.randn_like(y)
            op = [s - 1] * 3 if transposed else [0] * 3

            def grad(mask):
                return lambda: torch.ops.aten.convolution_backward(
                    gy, x, w, None, [s] * 3, [p] * 3, [1] * 3, transposed, op, 1, mask)

            r = reps if n < 128 else max(1, reps // 2)
            g = [flops / median_seconds(f, r) / 1e9 for f in (fwd, grad([True, False, False]), grad([False, True, False]))]
            print(f"{name:26s}" + "".join(f" {v:9.1f} {100 * v / sq:4.0f}%" for v in g))


if __name__ == "__main__":
    main(sys.argv[1:])
