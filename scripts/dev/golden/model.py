"""VISTA3D parity fixtures: a tiny configuration of MONAI's own modules, every forward mode, and a loss gradient.

The tiny model has vista3d132's architecture with init_filters 8 and blocks_down (1, 1, 1), so inputs must be multiples
of 4. Every parameter (and the PE buffer) is perturbed from its init so affine norms and embeddings matter.
"""
import numpy as np
import torch
from monai.losses import DiceLoss
from monai.networks.nets.segresnet_ds import SegResNetDS2
from monai.networks.nets.vista3d import VISTA3D, ClassMappingClassify, PointMappingSAM

FILTERS = 8
BLOCKS = (1, 1, 1)
SIZE = (16, 24, 20)


def build(seed=0):
    torch.manual_seed(seed)
    enc = SegResNetDS2(in_channels=1, blocks_down=BLOCKS, norm="instance", out_channels=FILTERS,
                       init_filters=FILTERS, dsdepth=1)
    point = PointMappingSAM(feature_size=FILTERS, n_classes=512, last_supported=132)
    cls = ClassMappingClassify(n_classes=512, feature_size=FILTERS, use_mlp=True)
    model = VISTA3D(image_encoder=enc, class_head=cls, point_head=point)
    with torch.no_grad():
        for _, p in model.named_parameters():
            p.add_(0.1 * torch.randn_like(p))
    return model.eval()


def save(out, name, t):
    np.save(out / f"{name}.npy", np.ascontiguousarray(t.detach().numpy().astype(np.float32)))


def generate(out):
    model = build()
    torch.save(model.state_dict(), out / "tiny.pt")
    torch.manual_seed(1)
    x = torch.rand(1, 1, *SIZE)
    save(out, "image", x)

    coords = torch.tensor([[[3.0, 5.0, 7.0], [10.0, 2.0, 15.0], [0.0, 0.0, 0.0]],
                           [[8.0, 20.0, 4.0], [12.0, 11.0, 9.0], [5.0, 6.0, 7.0]]])
    labels = torch.tensor([[1, 0, -1], [3, 2, 1]])
    classes = torch.tensor([[3], [7]])
    prompt_class = torch.tensor([[3], [140]])
    np.save(out / "coords.npy", coords.numpy().astype(np.float32))
    np.save(out / "point_labels.npy", labels.numpy().astype(np.int64))

    with torch.no_grad():
        enc = model.image_encoder
        out_point, out_auto = enc(x, with_point=True, with_label=True)
        save(out, "out_point", out_point)
        save(out, "out_auto", out_auto)
        skips = enc.encoder(x)
        for i, s in enumerate(skips):
            save(out, f"skip{i}", s)
        logits, _ = model.class_head(out_auto, classes)
        save(out, "class_head", logits)
        logits1, _ = model.class_head(out_auto, classes[:1])
        save(out, "class_head_b1", logits1)
        save(out, "point_head", model.point_head(out_point, coords, labels, class_vector=prompt_class))
        save(out, "point_head_noclass", model.point_head(out_point, coords, labels))
        save(out, "forward_auto", model(x, class_vector=classes))
        save(out, "forward_point", model(x, point_coords=coords, point_labels=labels, prompt_class=prompt_class))
        save(out, "forward_both", model(x, point_coords=coords, point_labels=labels, class_vector=classes,
                                        prompt_class=classes))
        # A prompt row with only padding points: -9999 in point-only mode.
        pad_labels = torch.tensor([[1, 0, -1], [-1, -1, -1]])
        save(out, "forward_point_padrow", model(x, point_coords=coords, point_labels=pad_labels))

    # One sigmoid DiceLoss backward (class + point prompts, gaussian combine) -> every parameter gradient.
    model.train()
    model.zero_grad()
    target = (torch.rand(2, 1, *SIZE) > 0.7).float()
    np.save(out / "grad_target.npy", target.numpy().astype(np.float32))
    logits = model(x, point_coords=coords, point_labels=labels, class_vector=classes, prompt_class=classes)
    loss = DiceLoss(sigmoid=True)(logits, target)
    loss.backward()
    np.save(out / "grad_loss.npy", np.array([loss.item()], dtype=np.float32))
    grads = {k: (p.grad if p.grad is not None else torch.zeros_like(p)) for k, p in model.named_parameters()}
    torch.save(grads, out / "tiny_grads.pt")
