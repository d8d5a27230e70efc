"""Full-size parity check: MONAI's vista3d132 against ours on one 64³ input (not a unit test).

Writes, into a folder (default /tmp/vista_parity): the seeded vista3d132 state_dict (model.pt,
~870 MB), the input image.npy, and MONAI's logits for one class prompt (auto.npy, class 3) and one
positive click at the centre (point.npy). Then run ours on the same files:

    .venv-ref/bin/python scripts/dev/check_model_parity.py [folder]
    .build/release/vista-bench parity [folder]                        # Winograd on (default)
    VISTA_CONV_WINOGRAD=off .build/release/vista-bench parity [folder]

vista-bench prints max|ours − MONAI| / max|MONAI| per mode; the unit tests hold small configs to 1e-5.
"""
import pathlib
import sys

import numpy as np
import torch
from monai.networks.nets import vista3d132


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/vista_parity")
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    net = vista3d132().eval()
    torch.save(net.state_dict(), out / "model.pt")
    torch.manual_seed(1)
    x = torch.rand(1, 1, 64, 64, 64)
    np.save(out / "image.npy", x.numpy())
    with torch.no_grad():
        auto = net(x, class_vector=torch.tensor([[3]]))
        point = net(x, point_coords=torch.tensor([[[32.0, 32.0, 32.0]]]), point_labels=torch.tensor([[1]]))
    np.save(out / "auto.npy", auto.numpy().astype(np.float32))
    np.save(out / "point.npy", point.numpy().astype(np.float32))
    print(f"wrote {out}: auto {tuple(auto.shape)} max|.| {auto.abs().max():.4g}, "
          f"point {tuple(point.shape)} max|.| {point.abs().max():.4g}")


if __name__ == "__main__":
    main()
