"""Golden fixtures for the training engine: optimizers, schedules, losses, metrics, sliding window.

Writes Tests/VistaCoreTests/Golden/train/*.npy. The Swift tests mirror every configuration here
(hyper-parameters are repeated there, file names are the contract).
"""
import pathlib

import numpy as np
import torch
from monai.data.utils import compute_importance_map, dense_patch_slices
from monai.inferers.utils import _get_scan_interval, sliding_window_inference
from monai.losses import DiceCELoss, DiceLoss
from monai.metrics import compute_dice
from monai.optimizers.lr_scheduler import WarmupCosineSchedule


def save(out: pathlib.Path, name: str, a) -> None:
    if isinstance(a, torch.Tensor):
        a = a.detach().cpu().numpy()
    a = np.ascontiguousarray(a)
    if a.dtype == np.float64:
        a = a.astype(np.float32)
    np.save(out / f"{name}.npy", a)


# ---------------------------------------------------------------- optimizers
OPTIMIZERS = {
    # name: (factory, steps)
    "adam": lambda ps: torch.optim.Adam(ps, lr=1e-2),
    "adam_l2": lambda ps: torch.optim.Adam(ps, lr=3e-3, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1),
    "adamw": lambda ps: torch.optim.AdamW(ps, lr=1e-2),
    "adamw_wd": lambda ps: torch.optim.AdamW(ps, lr=5e-3, betas=(0.85, 0.99), eps=1e-7, weight_decay=0.2),
    "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1),
    "sgd_momentum": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "sgd_nesterov": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.02),
}
STEPS = 5
SKIP_B_AT = 2  # parameter b has no gradient at this step (torch skips it, its step count does not advance)


def optimizers(out: pathlib.Path) -> None:
    g = torch.Generator().manual_seed(0)
    a0 = torch.randn(3, 4, generator=g)
    b0 = torch.randn(5, generator=g)
    ga = torch.randn(STEPS, 3, 4, generator=g)
    gb = torch.randn(STEPS, 5, generator=g) * 0.1
    save(out, "optim_init_a", a0)
    save(out, "optim_init_b", b0)
    save(out, "optim_grads_a", ga)
    save(out, "optim_grads_b", gb)
    for name, make in OPTIMIZERS.items():
        a = torch.nn.Parameter(a0.clone())
        b = torch.nn.Parameter(b0.clone())
        opt = make([a, b])
        ea, eb = [], []
        for t in range(STEPS):
            opt.zero_grad(set_to_none=True)
            a.grad = ga[t].clone()
            b.grad = None if t == SKIP_B_AT else gb[t].clone()
            opt.step()
            ea.append(a.detach().clone())
            eb.append(b.detach().clone())
        save(out, f"optim_{name}_a", torch.stack(ea))
        save(out, f"optim_{name}_b", torch.stack(eb))

    # clip_grad_norm_: grads scaled down, and a case where no clipping happens.
    for name, max_norm in (("clip_small", 0.5), ("clip_large", 100.0)):
        a = torch.nn.Parameter(a0.clone())
        b = torch.nn.Parameter(b0.clone())
        a.grad = ga[0].clone()
        b.grad = gb[0].clone()
        total = torch.nn.utils.clip_grad_norm_([a, b], max_norm)
        save(out, f"{name}_a", a.grad)
        save(out, f"{name}_b", b.grad)
        save(out, f"{name}_norm", total.reshape(1))


def grad_scaler(out: pathlib.Path) -> None:
    """torch.amp.GradScaler on CPU: scale after each update and the parameter, with inf/NaN at steps 2 and 6."""
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 3.0]))
    opt = torch.optim.SGD([p], lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=3)
    scales, values = [], []
    for t in range(10):
        opt.zero_grad()
        loss = (p * torch.tensor([0.5, 1.0, -1.5])).sum() * (float("inf") if t == 2 else float("nan") if t == 6 else 1.0)
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
        values.append(p.detach().clone())
    save(out, "scaler_scales", torch.tensor(scales))
    save(out, "scaler_params", torch.stack(values))


def schedules(out: pathlib.Path) -> None:
    n = 14

    def lrs(make_sched, base=0.1):
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=base)
        sched = make_sched(opt)
        seq = []
        for _ in range(n):
            seq.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return np.asarray(seq, dtype=np.float64)

    def save64(name, a):
        np.save(out / f"{name}.npy", a)

    save64("sched_warmup_cosine", lrs(lambda o: WarmupCosineSchedule(o, warmup_steps=3, t_total=10, warmup_multiplier=0.1)))
    save64("sched_warmup_cosine_end", lrs(lambda o: WarmupCosineSchedule(o, warmup_steps=2, t_total=12, end_lr=0.02, cycles=1.0)))
    save64("sched_step", lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)))
    save64("sched_poly", lrs(lambda o: torch.optim.lr_scheduler.PolynomialLR(o, total_iters=8, power=0.9)))


# ---------------------------------------------------------------- losses
def loss_case(out, name, loss_fn, x, y):
    x = x.clone().requires_grad_(True)
    loss = loss_fn(x, y)
    loss.backward()
    save(out, f"{name}_input", x.detach())
    save(out, f"{name}_target", y)
    save(out, f"{name}_loss", loss.detach().reshape(1))
    save(out, f"{name}_grad", x.grad)


def losses(out: pathlib.Path) -> None:
    g = torch.Generator().manual_seed(1)
    x = torch.randn(2, 3, 4, 5, 3, generator=g) * 2
    y = (torch.rand(2, 3, 4, 5, 3, generator=g) > 0.6).float()
    y[1, 2] = 0  # an empty target channel
    loss_case(out, "dice_default", DiceLoss(sigmoid=True), x, y)
    loss_case(out, "dice_squared", DiceLoss(sigmoid=True, squared_pred=True, smooth_nr=1e-4, smooth_dr=1e-2), x, y)
    loss_case(out, "dice_batch", DiceLoss(sigmoid=True, batch=True), x, y)
    x1 = torch.randn(2, 1, 6, 5, 4, generator=g) * 3
    y1 = (torch.rand(2, 1, 6, 5, 4, generator=g) > 0.7).float()
    loss_case(out, "dicece_binary", DiceCELoss(sigmoid=True, lambda_dice=0.7, lambda_ce=1.3), x1, y1)
    loss_case(out, "dicece_bundle", DiceCELoss(sigmoid=True, squared_pred=True, smooth_nr=1e-4, smooth_dr=1e-2), x1, y1)
    loss_case(out, "dicece_multi", DiceCELoss(sigmoid=True), x, y)


# ---------------------------------------------------------------- metrics
def metrics(out: pathlib.Path) -> None:
    g = torch.Generator().manual_seed(2)
    cases, classes = 4, [1, 2, 3]
    pred = torch.randint(0, 4, (cases, 5, 6, 7), generator=g)
    label = torch.randint(0, 4, (cases, 5, 6, 7), generator=g)
    label[2][label[2] == 3] = 0  # class 3 absent from case 2's ground truth → NaN
    label[3][label[3] == 1] = 2
    pred[3][pred[3] == 1] = 0  # class 1 absent from both in case 3 → NaN as well
    dice = torch.zeros(cases, len(classes))
    for b in range(cases):
        for j, c in enumerate(classes):
            dice[b, j] = compute_dice(y_pred=(pred[b] == c)[None, None], y=(label[b] == c)[None, None], include_background=False)
    save(out, "metric_pred", pred.int())
    save(out, "metric_label", label.int())
    save(out, "metric_dice", dice)
    save(out, "metric_dice_mean", torch.nanmean(dice, dim=0))

    # VistaPostTransform on logits [K, H, W, D].
    from monai.apps.vista3d.transforms import VistaPostTransformd

    logits = torch.randn(3, 4, 5, 6, generator=g)
    post = VistaPostTransformd(keys="pred")({"pred": logits.clone(), "label_prompt": torch.tensor([[5], [2], [9]])})["pred"]
    save(out, "post_multi_logits", logits)
    save(out, "post_multi", post.round().int())
    single = torch.randn(1, 4, 5, 6, generator=g)
    post1 = VistaPostTransformd(keys="pred")({"pred": single.clone(), "label_prompt": torch.tensor([[3]])})["pred"]
    save(out, "post_single_logits", single)
    save(out, "post_single", post1.round().int())


# ---------------------------------------------------------------- sliding window
WINDOW_CASES = [
    # image size, roi, overlap
    ((239, 239, 150), (96, 96, 96), 0.25),
    ((100, 50, 97), (96, 96, 96), 0.25),
    ((30, 41, 17), (16, 16, 16), 0.5),
    ((20, 9, 33), (8, 12, 10), 0.625),
    ((7, 8, 9), (7, 8, 9), 0.25),
]


def windows(out: pathlib.Path) -> None:
    for i, (image, roi, overlap) in enumerate(WINDOW_CASES):
        size = tuple(max(a, b) for a, b in zip(image, roi))
        interval = _get_scan_interval(size, roi, 3, [overlap] * 3)
        slices = dense_patch_slices(size, roi, interval)
        starts = np.asarray([[s.start for s in sl] for sl in slices], dtype=np.int32)
        save(out, f"window_{i}_starts", starts)

    save(out, "importance_gaussian", compute_importance_map((7, 8, 9), mode="gaussian", sigma_scale=0.125))
    save(out, "importance_gaussian_wide", compute_importance_map((6, 5, 4), mode="gaussian", sigma_scale=(0.5, 1.0, 0.25)))

    def predictor(x):
        m = x.mean()
        return torch.cat([x + m, x * m], dim=1)

    g = torch.Generator().manual_seed(3)
    for name, shape, roi, overlap, mode, pad, sw in (
        ("sw_gauss", (11, 9, 13), (6, 6, 6), 0.5, "gaussian", "constant", 3),
        ("sw_const_pad", (5, 13, 8), (8, 6, 10), 0.25, "constant", "constant", 1),
        ("sw_gauss_replicate", (5, 13, 8), (8, 6, 10), 0.4, "gaussian", "replicate", 2),
    ):
        img = torch.randn(1, 1, *shape, generator=g)
        res = sliding_window_inference(
            img, roi, sw, predictor, overlap=overlap, mode=mode, padding_mode=pad, cval=0.0
        )
        save(out, f"{name}_input", img)
        save(out, f"{name}_output", res)


def point_windows(out: pathlib.Path) -> None:
    """MONAI's point_based_window_inferer with a predictor that depends on the window position."""
    from monai.apps.vista3d.inferer import point_based_window_inferer

    def predictor(x, point_coords=None, patch_coords=None, **kwargs):
        sl = patch_coords[0]
        return torch.cat([x * 2 + sl[2].start + 0.1 * sl[3].start, x - 0.01 * sl[4].start], dim=1)

    g = torch.Generator().manual_seed(4)
    img = torch.randn(1, 1, 20, 6, 15, generator=g)
    prev = torch.randn(1, 2, 20, 6, 15, generator=g)
    points = torch.tensor([[[3, 2, 14], [10, 5, 7], [19, 0, 0]]])
    labels = torch.tensor([[1, 1, 0]])
    save(out, "pw_input", img)
    save(out, "pw_prev", prev)
    save(out, "pw_points", points.float())
    for name, center_only, prev_mask, start in (
        ("pw_center", True, None, 0),
        ("pw_margin", False, None, 1),
        ("pw_prev_mask", False, prev, 0),
    ):
        res = point_based_window_inferer(
            img, (8, 8, 8), predictor, points, labels, point_start=start, center_only=center_only,
            margin=5, prev_mask=prev_mask,
        )
        save(out, f"{name}_output", torch.as_tensor(res))


def generate(out_dir: pathlib.Path) -> None:
    torch.set_num_threads(1)
    optimizers(out_dir)
    grad_scaler(out_dir)
    schedules(out_dir)
    losses(out_dir)
    metrics(out_dir)
    windows(out_dir)
    point_windows(out_dir)
