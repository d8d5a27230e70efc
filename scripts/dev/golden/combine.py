"""Golden fixtures for VISTA3D.connected_components_combine (class logits edited by clicks).

MONAI uses it instead of gaussian_combine whenever the forward runs inside a sliding or
point-centred window (patch_coords given): the point head's answer replaces the class head's only
in the connected regions that hold a click (keep_merge_components_with_points). Each case writes
<case>_{logits,point_logits,coords,labels,out}.npy for one object (B = 1), as our inferers call it.
"""
import pathlib
from types import SimpleNamespace

import numpy as np
import torch
import torch.nn.functional as F
from monai.networks.nets.vista3d import VISTA3D

SIZE = (12, 10, 9)


def smooth_field(gen):
    # Blobs: noise smoothed by a 3³ box filter, positive on its top 30%, so the sign makes several
    # 26-connected components.
    x = torch.randn((1, 1) + SIZE, generator=gen)
    x = F.avg_pool3d(x, 3, stride=1, padding=1, count_include_pad=False)
    return (x - x.flatten().quantile(0.7)) * 8


def generate(out_dir: pathlib.Path):
    this = SimpleNamespace(NINF_VALUE=-9999.0)
    for case in range(5):
        gen = torch.Generator().manual_seed(100 + case)
        logits = smooth_field(gen)
        point_logits = smooth_field(gen)
        n = 2 + case % 3
        coords = torch.stack([torch.randint(0, s, (n,), generator=gen) for s in SIZE], dim=1).float()
        if case == 3:
            coords[0] += 0.4  # non-integer clicks round to the nearest voxel
        labels = torch.tensor([[1, 0, 3, 2][(case + i) % 4] for i in range(n)])
        if case == 4:
            labels[:] = 1
            logits[0, 0, 0, 0, 0] = float("nan")  # a not-computed voxel (NaN) is taken from the point logits
        coords, labels = coords[None], labels[None]
        out = VISTA3D.connected_components_combine(
            this, logits.clone(), point_logits.clone(), coords, labels, torch.tensor([True]))
        arrays = {"logits": logits, "point_logits": point_logits, "coords": coords, "out": out}
        for key, t in arrays.items():
            np.save(out_dir / f"cc{case}_{key}.npy", t.numpy().astype(np.float32))
        np.save(out_dir / f"cc{case}_labels.npy", labels.numpy().astype(np.int64))
