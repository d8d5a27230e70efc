#!/usr/bin/env python3
"""MONAI's time for what `vista-bench data` measures: load a CT, ScaleIntensityRange → Orientation RAS →
Spacing 1.5 mm (bilinear). Median of 5 after a warm-up. Usage: bench_load_monai.py [ct.nii.gz] [threads]"""
import sys
import time

import numpy as np
import torch
from monai.transforms import Compose, EnsureChannelFirst, LoadImage, Orientation, ScaleIntensityRange, Spacing

path = sys.argv[1] if len(sys.argv) > 1 else "../shared/totalsegmentator_example/example_ct.nii.gz"
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
load = Compose([LoadImage(image_only=True), EnsureChannelFirst()])
pre = Compose([
    ScaleIntensityRange(a_min=-1000, a_max=1000, b_min=0.0, b_max=1.0, clip=True),
    Orientation(axcodes="RAS"),
    Spacing(pixdim=(1.5, 1.5, 1.5), mode="bilinear"),
])


def median(f):
    f()
    ts, cs = [], []
    for _ in range(5):
        t0, c0 = time.perf_counter(), time.process_time()
        f()
        ts.append(time.perf_counter() - t0)
        cs.append(time.process_time() - c0)
    print(f"    (wall {sorted(ts)[2] * 1e3:.1f} ms, cpu {sorted(cs)[2] * 1e3:.1f} ms)")
    return sorted(ts)[2]


img = load(path)
out = pre(img)
print(f"{path}: {tuple(img.shape)} -> {tuple(out.shape)}, torch threads {torch.get_num_threads()}")
print(f"  read {median(lambda: load(path)) * 1e3:.1f} ms, preprocess {median(lambda: pre(img)) * 1e3:.1f} ms, "
      f"load+preprocess {median(lambda: pre(load(path))) * 1e3:.1f} ms")
