"""Full-size parity check: MONAI's vista3d132 against ours on one 64³ input (not a unit test).

Writes, into a folder (default /tmp/vista_parity): the seeded vista3d132 state_dict (model.pt,
~870 MB), the input image.npy, and MONAI's logits for one class prompt (auto.npy, class 3) and one
positive click at the centre (point.npy); then the gradients of mean(sigmoid(class logits) · target)
(target.npy) for the 3×3×3 conv weights in GRAD_KEYS (grad_<key>.npy). Then run ours on the same files:

    .venv-ref/bin/python scripts/dev/check_model_parity.py [folder] [--f64]
    .build/release/vista-bench parity [folder]                        # Winograd on (default)
    VISTA_CONV_WINOGRAD=off .build/release/vista-bench parity [folder]

vista-bench prints max|ours − MONAI| / max|MONAI| per mode; the unit tests hold small configs to 1e-5.
With --f64 the script also runs MONAI in float64 (auto64.npy, grad64_<key>.npy): deep-layer weight
gradients of a random-init network are ill-conditioned (MONAI's own float32 gradients differ from
float64 by up to ~3%), so vista-bench then reports ours and MONAI's float32 against float64.
"""
import pathlib
import sys

import numpy as np
import torch
from monai.networks.nets import vista3d132


# One block conv per level that Winograd handles (48 ch @ 64³, 96 @ 32³, 192 @ 16³), encoder and
# class decoder, and one it does not (384 @ 8³).
GRAD_KEYS = [
    "image_encoder.encoder.layers.0.blocks.0.conv1.weight",
    "image_encoder.encoder.layers.1.blocks.1.conv2.weight",
    "image_encoder.encoder.layers.2.blocks.0.conv1.weight",
    "image_encoder.encoder.layers.3.blocks.0.conv1.weight",
    "image_encoder.up_layers_auto.2.blocks.0.conv1.weight",
    "image_encoder.up_layers_auto.3.blocks.0.conv2.weight",
]


def main():
    args = [a for a in sys.argv[1:] if a != "--f64"]
    out = pathlib.Path(args[0] if args else "/tmp/vista_parity")
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
    torch.manual_seed(2)
    target = torch.rand(1, 1, 64, 64, 64)
    np.save(out / "target.npy", target.numpy())
    logits = net(x, class_vector=torch.tensor([[3]]))
    loss = (torch.sigmoid(logits) * target).mean()
    loss.backward()
    params = dict(net.named_parameters())
    for key in GRAD_KEYS:
        np.save(out / f"grad_{key}.npy", params[key].grad.numpy().astype(np.float32))
    if "--f64" in sys.argv:
        net64 = net.double()
        net64.zero_grad()
        logits64 = net64(x.double(), class_vector=torch.tensor([[3]]))
        np.save(out / "auto64.npy", logits64.detach().numpy())
        (torch.sigmoid(logits64) * target.double()).mean().backward()
        params64 = dict(net64.named_parameters())
        for key in GRAD_KEYS:
            np.save(out / f"grad64_{key}.npy", params64[key].grad.numpy())
    print(f"wrote {out}: auto {tuple(auto.shape)} max|.| {auto.abs().max():.4g}, "
          f"point {tuple(point.shape)} max|.| {point.abs().max():.4g}")


if __name__ == "__main__":
    main()
