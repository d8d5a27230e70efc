"""Golden fixtures for the data path: NIfTI files written by nibabel (with expected arrays and affines), and MONAI
transforms (Orientation, Spacing, ScaleIntensityRange, CropForeground, SpatialPad, RandCropByPosNegLabel with given
centres, MapLabelValue) on small volumes with non-trivial affines.

Layout convention of every saved array: [C, X, Y, Z] float32 (MONAI channel-first); affines float64 4x4.
"""
import math
import pathlib

import nibabel as nib
import numpy as np
import torch
from monai.data import MetaTensor
from monai.transforms import (
    CropForeground,
    MapLabelValue,
    Orientation,
    ScaleIntensityRange,
    Spacing,
    SpatialCrop,
    SpatialPad,
    SpatialResample,
    GaussianSmooth,
    Zoom,
    Flip,
    Rotate90,
)
from monai.transforms.utils import correct_crop_centers

SHARED = pathlib.Path(__file__).resolve().parents[4] / "shared" / "totalsegmentator_example"


def save(out, name, arr, dtype=np.float32):
    np.save(out / f"{name}.npy", np.ascontiguousarray(np.asarray(arr, dtype=dtype)))


def rot(axis, angle):
    c, s = math.cos(angle), math.sin(angle)
    m = np.eye(3)
    i, j = [(1, 2), (0, 2), (0, 1)][axis]
    m[i, i], m[i, j], m[j, i], m[j, j] = c, -s, s, c
    return m


def affine_of(linear, origin):
    a = np.eye(4)
    a[:3, :3] = linear
    a[:3, 3] = origin
    return a


def nifti_cases(out):
    """Small NIfTI files covering dtypes, scaling, qform-only, no-xform, 4-D and header extensions."""
    rng = np.random.default_rng(0)
    shape = (7, 6, 5)
    cases = {}
    # int16, qform only (oblique, qfac -1), scaled
    a = affine_of(rot(2, 0.3) @ rot(0, 0.2) @ np.diag([0.8, 0.9, -2.5]), [10.5, -20.25, 30.0])
    img = nib.Nifti1Image(rng.integers(-1000, 1000, shape).astype(np.int16), None)
    img.header.set_qform(a, code=1)
    img.header.set_sform(None, code=0)
    img.header.set_slope_inter(2.0, -10.0)
    cases["qform_int16_scaled"] = img
    # float64, sform LPS (sform code 2) and a different qform
    a = affine_of(np.diag([-0.7, -0.7, 3.0]), [100.0, 120.0, -50.0])
    img = nib.Nifti1Image(rng.normal(size=shape).astype(np.float64), a)
    img.header.set_qform(np.diag([1.0, 1.0, 1.0, 1.0]), code=1)
    img.header.set_sform(a, code=2)
    cases["sform_float64_lps"] = img
    # uint8 with no transform codes: nibabel's base affine
    img = nib.Nifti1Image(rng.integers(0, 255, shape).astype(np.uint8), None)
    img.header.set_zooms((1.5, 2.0, 3.0))
    img.header.set_sform(None, code=0)
    img.header.set_qform(None, code=0)
    cases["noxform_uint8"] = img
    # 4-D with a singleton trailing dim, int32, header extension (vox_offset > 352)
    a = affine_of(np.diag([2.0, 2.0, 2.0]), [-3.0, 4.0, 5.0])
    img = nib.Nifti1Image(rng.integers(-5000, 5000, shape + (1,)).astype(np.int32), a)
    img.header.extensions.append(nib.nifti1.Nifti1Extension("comment", b"x" * 200))
    cases["ext_int32_4d"] = img
    # int8, uint16, float32 with 4-D channel axis of 2
    img = nib.Nifti1Image(rng.integers(-100, 100, shape).astype(np.int8), np.diag([1.0, 1.0, 1.0, 1.0]))
    cases["plain_int8"] = img
    img = nib.Nifti1Image(rng.integers(0, 60000, shape).astype(np.uint16), np.diag([1.0, 1.0, 1.0, 1.0]))
    cases["plain_uint16"] = img
    img = nib.Nifti1Image(rng.normal(size=shape + (2,)).astype(np.float32), np.diag([1.0, 1.0, 1.0, 1.0]))
    cases["channels_float32"] = img
    # big-endian int16 (.nii, uncompressed) with an oblique sform
    a = affine_of(rot(0, 0.4) @ np.diag([1.2, 1.0, 1.5]), [1.0, 2.0, 3.0])
    hdr = nib.Nifti1Header(endianness=">")
    img = nib.Nifti1Image(rng.integers(-3000, 3000, shape).astype(">i2"), a, header=hdr)
    cases["bigendian_int16"] = img
    # files we must reject with a clear error: complex64 data, and 5-D with two non-singleton extra axes
    nib.save(nib.Nifti1Image(np.zeros((3, 3, 3), np.complex64), np.eye(4)), out / "bad_complex64.nii.gz")
    nib.save(nib.Nifti1Image(np.zeros((3, 3, 3, 2, 2), np.float32), np.eye(4)), out / "bad_rank5.nii.gz")
    for name, img in cases.items():
        path = out / (f"{name}.nii" if name.startswith("bigendian") else f"{name}.nii.gz")
        nib.save(img, path)
        back = nib.load(path)
        data = np.asarray(back.dataobj).astype(np.float32)  # MONAI's loader: scaled, float32
        if data.ndim == 3:
            data = data[None]
        else:
            data = np.moveaxis(data.reshape(shape + (-1,)), -1, 0)
        save(out, f"{name}.expected", data)
        save(out, f"{name}.affine", back.affine, np.float64)


def mt(arr, affine):
    return MetaTensor(torch.as_tensor(np.asarray(arr, dtype=np.float32)), affine=torch.as_tensor(affine))


def transform_cases(out):
    """Orientation → Spacing → ScaleIntensityRange → CropForeground → SpatialPad → crops, on two grids."""
    grids = {
        # oblique, LPS-like, anisotropic
        "oblique": ((16, 14, 9), affine_of(rot(2, 0.25) @ rot(1, -0.1) @ np.diag([-0.8, -0.85, 2.5]), [40.0, 35.0, -12.0])),
        # axis-permuted (PLS-like: i→A-P, j→L-R), anisotropic
        "permuted": ((12, 15, 10), affine_of(np.array([[0, -0.75, 0], [-0.9, 0, 0], [0, 0, 2.0]]), [5.0, -7.0, 3.0])),
    }
    rng = np.random.default_rng(1)
    for name, (shape, affine) in grids.items():
        x, y, z = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
        body = ((x - shape[0] / 2) ** 2 / (shape[0] * 0.4) ** 2 + (y - shape[1] / 2) ** 2 / (shape[1] * 0.35) ** 2) < 1
        image = np.where(body, 40.0 + rng.normal(0, 30, shape), -1000.0)
        organ = ((x - shape[0] * 0.6) ** 2 + (y - shape[1] * 0.55) ** 2 + (z - shape[2] * 0.5) ** 2 * 4) < 9
        image = np.where(organ, 55.0 + rng.normal(0, 10, shape), image)
        label = np.where(organ, 1.0, 0.0) + np.where(body & (x < shape[0] * 0.3), 2.0, 0.0) * (~organ)
        save(out, f"{name}.image", image[None])
        save(out, f"{name}.label", label[None])
        save(out, f"{name}.affine", affine, np.float64)

        img, lab = mt(image[None], affine), mt(label[None], affine)
        for codes in ["RAS", "LPI", "ASR"]:
            o = Orientation(axcodes=codes)(img)
            save(out, f"{name}.orient_{codes}", o)
            save(out, f"{name}.orient_{codes}.affine", o.affine.numpy(), np.float64)
        img = Orientation(axcodes="RAS")(img)
        lab = Orientation(axcodes="RAS")(lab)
        g = GaussianSmooth(sigma=(0.6, 1.3, 0.9))(ScaleIntensityRange(a_min=-1000, a_max=1000, b_min=0.0, b_max=1.0)(img))
        save(out, f"{name}.smooth", g)
        for ztag, zf in [("up", (1.2, 1.3, 1.15)), ("down", (0.8, 0.75, 0.9)), ("mixed", (1.25, 0.8, 1.0))]:
            zi = Zoom(zoom=zf, mode="area", padding_mode="edge", keep_size=True)(img)
            zl = Zoom(zoom=zf, mode="nearest", padding_mode="edge", keep_size=True)(lab)
            save(out, f"{name}.zoom_{ztag}.image", zi)
            save(out, f"{name}.zoom_{ztag}.label", zl)
            save(out, f"{name}.zoom_{ztag}.affine", zi.affine.numpy(), np.float64)
        f = Flip(spatial_axis=[0, 2])(img)
        save(out, f"{name}.flip02", f)
        save(out, f"{name}.flip02.affine", f.affine.numpy(), np.float64)
        for k, axes in [(1, (0, 1)), (3, (1, 2)), (2, (0, 2))]:
            r = Rotate90(k=k, spatial_axes=axes)(img)
            tag = f"rot90_k{k}_{axes[0]}{axes[1]}"
            save(out, f"{name}.{tag}", r)
            save(out, f"{name}.{tag}.affine", r.affine.numpy(), np.float64)
        for tag, pixdim in [("1.5", (1.5, 1.5, 1.5)), ("aniso", (0.7, 1.1, 1.9))]:
            si = Spacing(pixdim=pixdim, mode="bilinear")(img)
            sl = Spacing(pixdim=pixdim, mode="nearest")(lab)
            save(out, f"{name}.spacing_{tag}.image", si)
            save(out, f"{name}.spacing_{tag}.label", sl)
            save(out, f"{name}.spacing_{tag}.affine", si.affine.numpy(), np.float64)
            save(out, f"{name}.spacing_{tag}.label_affine", sl.affine.numpy(), np.float64)
        si = Spacing(pixdim=(1.5, 1.5, 1.5), mode="bilinear")(img)
        sc = ScaleIntensityRange(a_min=-1000, a_max=1000, b_min=0.0, b_max=1.0, clip=True)(si)
        save(out, f"{name}.scaled", sc)
        for tag, kw in [("m0", {}), ("m2", {"margin": 2}), ("m2_small", {"margin": 2, "allow_smaller": True})]:
            cf = CropForeground(select_fn=lambda v: v > 0.5, **kw)(sc)
            save(out, f"{name}.cropfg_{tag}", cf)
            save(out, f"{name}.cropfg_{tag}.affine", cf.affine.numpy(), np.float64)
            if tag == "m0":  # undo the crop by resampling with zeros padding (shifted grid: a fraction of a voxel)
                shifted = cf.affine.clone()
                shifted[:3, 3] += shifted[:3, :3] @ torch.tensor([0.3, -0.2, 0.4], dtype=shifted.dtype)
                src = MetaTensor(cf.as_tensor(), affine=shifted)
                for mode in ["bilinear", "nearest"]:
                    back = SpatialResample(mode=mode, padding_mode="zeros")(src, dst_affine=sc.affine, spatial_size=sc.shape[1:])
                    save(out, f"{name}.uncrop_zeros_{mode}", back)
        pad = SpatialPad(spatial_size=(24, 9, 21))(sc)
        save(out, f"{name}.pad", pad)
        save(out, f"{name}.pad.affine", pad.affine.numpy(), np.float64)
        # RandCropByPosNegLabel with given centres: MONAI's clamp then SpatialCrop
        size = (8, 6, 5)
        raw = [[0, 0, 0], list(np.array(sc.shape[1:]) - 1), [5, 3, 2]]
        centres = [list(correct_crop_centers(c, size, sc.shape[1:])) for c in raw]
        save(out, f"{name}.crop_centres_raw", raw, np.int64)
        save(out, f"{name}.crop_centres", centres, np.int64)
        for i, c in enumerate(centres):
            cr = SpatialCrop(roi_center=c, roi_size=size)(sc)
            save(out, f"{name}.crop{i}", cr)
            save(out, f"{name}.crop{i}.affine", cr.affine.numpy(), np.float64)
        # inverse: the 1.5 mm RAS image / label back onto the original grid (what Invertd does for Spacing)
        orig = torch.as_tensor(affine)
        for key, vol, mode in [("image", si, "bilinear"), ("label", Spacing(pixdim=(1.5, 1.5, 1.5), mode="nearest")(lab), "nearest")]:
            back = SpatialResample(mode=mode)(vol, dst_affine=orig, spatial_size=shape)
            save(out, f"{name}.inverse_{key}", back)
        relab = MapLabelValue(orig_labels=[1], target_labels=[3])(Spacing(pixdim=(1.5, 1.5, 1.5), mode="nearest")(lab))
        save(out, f"{name}.relabel", relab)


def real_ct(out):
    path = SHARED / "example_ct.nii.gz"
    if not path.exists():
        return
    img = nib.load(path)
    data = np.asarray(img.dataobj)
    idx = np.array([[0, 0, 0], [61, 50, 56], [121, 100, 111], [10, 90, 3], [100, 20, 77]])
    save(out, "real_ct.affine", img.affine, np.float64)
    save(out, "real_ct.shape", list(img.shape), np.int64)
    save(out, "real_ct.index", idx, np.int64)
    save(out, "real_ct.values", [data[tuple(i)] for i in idx])
    # the tutorial's deterministic prefix on the real CT: shape, affine, checksums and sampled voxels
    from monai.transforms import Compose, EnsureChannelFirst, LoadImage

    pre = Compose([
        LoadImage(image_only=True), EnsureChannelFirst(),
        ScaleIntensityRange(a_min=-1000, a_max=1000, b_min=0.0, b_max=1.0, clip=True),
        Orientation(axcodes="RAS"), Spacing(pixdim=(1.5, 1.5, 1.5), mode="bilinear"),
    ])
    small = SHARED / "example_ct_sm.nii.gz"  # 30 slices: keeps the debug-build test short
    o = pre(str(small)).numpy()
    save(out, "real_ct.pre.shape", o.shape, np.int64)
    save(out, "real_ct.pre.affine", pre(str(small)).affine.numpy(), np.float64)
    pidx = np.array([[0, 0, 0, 0], [0, 120, 100, 30], [0, 242, 200, 58], [0, 37, 151, 19], [0, 201, 33, 17]])
    save(out, "real_ct.pre.index", pidx, np.int64)
    save(out, "real_ct.pre.values", [o[tuple(i)] for i in pidx])
    save(out, "real_ct.pre.stats", [o.sum(dtype=np.float64), (o * o).sum(dtype=np.float64)], np.float64)


def generate(out: pathlib.Path):
    torch.manual_seed(0)
    for f in out.glob("*"):
        f.unlink()
    nifti_cases(out)
    transform_cases(out)
    real_ct(out)
