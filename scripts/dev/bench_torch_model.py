#!/usr/bin/env python3
"""Times MONAI's vista3d132 forward on CPU (the figures `vista-bench model` is compared with).

    .venv-ref/bin/python scripts/dev/bench_torch_model.py [--sizes 64 96] [--threads 2] [--repeats 3] [--train] [--train-only]
        [--breakdown]

Prints seconds and GFLOP/s per mode (auto: 1 class; point: 1 prompt with 1 positive click) and peak RSS.
--breakdown also times encoder + decoder and the head alone for each mode (as `vista-bench model --breakdown`).
--train also times one training step (class + 1 point prompt, sigmoid DiceLoss, backward, Adam step) at each size.
"""
import argparse
import resource
import time

import torch
from monai.losses import DiceLoss
from monai.networks.nets import vista3d132

# Forward MACs (G) from ../shared/docs/vista3d-model.md §8.1; FLOPs = 2 × MACs.
GMAC = {("auto", 64): 248.6, ("point", 64): 206.2, ("auto", 96): 839.1, ("point", 96): 696.0,
        ("both", 64): 340.9, ("both", 96): 1150.0}


def peak_rss_gb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def median(repeats, fn):
    times = []
    for i in range(repeats + 1):
        t0 = time.perf_counter()
        fn()
        if i > 0 or repeats == 0:
            times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[64, 96])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--train", action="store_true")
    ap.add_argument("--train-only", action="store_true", help="skip the forward timings (implies --train)")
    ap.add_argument("--breakdown", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = vista3d132().eval()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for s in a.sizes:
        x = torch.rand(1, 1, s, s, s)
        c = s // 2
        modes = {
            "auto": dict(class_vector=torch.tensor([[3]])),
            "point": dict(point_coords=torch.tensor([[[c, c, c]]], dtype=torch.float32),
                          point_labels=torch.tensor([[1]])),
        }
        for mode, kw in ({} if a.train_only else modes).items():
            times = []
            with torch.no_grad():
                for i in range(a.repeats + 1):
                    t0 = time.perf_counter()
                    model(x, **kw)
                    if i > 0:
                        times.append(time.perf_counter() - t0)
            t = sorted(times)[len(times) // 2]
            gf = 2 * GMAC[(mode, s)] / t
            print(f"forward {mode:5s} {s}^3: {t:7.2f} s  {gf:6.1f} GFLOP/s  peak RSS {peak_rss_gb():.2f} GB")
            if a.breakdown:
                point = mode == "point"
                with torch.no_grad():
                    te = median(a.repeats, lambda: model.image_encoder(x, with_point=point, with_label=not point))
                    out, out_auto = model.image_encoder(x, with_point=point, with_label=not point)
                    if point:
                        th = median(a.repeats, lambda: model.point_head(out, kw["point_coords"], kw["point_labels"]))
                    else:
                        th = median(a.repeats, lambda: model.class_head(out_auto, kw["class_vector"]))
                name = "point" if point else "class"
                print(f"  encoder + {name} decoder {te:7.2f} s; {name} head alone {th:7.2f} s")
        if a.train or a.train_only:
            model.train()
            opt = torch.optim.Adam(model.parameters(), lr=1e-5)
            # Allocate Adam's moments first (zero gradients leave the weights unchanged), so even a
            # single timed step (--repeats 0) sees the steady-state memory, as vista-bench does.
            for p in model.parameters():
                p.grad = torch.zeros_like(p)
            opt.step()
            loss_fn = DiceLoss(sigmoid=True)
            target = (torch.rand(1, 1, s, s, s) > 0.5).float()
            times = []
            for i in range(a.repeats + 1):
                t0 = time.perf_counter()
                opt.zero_grad()
                out = model(x, class_vector=torch.tensor([[3]]), point_coords=torch.tensor([[[c, c, c]]], dtype=torch.float32),
                            point_labels=torch.tensor([[1]]), prompt_class=torch.tensor([[3]]))
                loss = loss_fn(out, target)
                loss.backward()
                opt.step()
                if i > 0 or a.repeats == 0:
                    times.append(time.perf_counter() - t0)
            t = sorted(times)[len(times) // 2]
            print(f"train step (class + 1 point) {s}^3: {t:7.2f} s  peak RSS {peak_rss_gb():.2f} GB")
            model.eval()


if __name__ == "__main__":
    main()
