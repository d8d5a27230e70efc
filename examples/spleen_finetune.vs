# MONAI's VISTA3D spleen-finetuning tutorial (Project-MONAI/tutorials, vista_3d/vista3d_spleen_finetune.ipynb),
# step by step in the tutorial's order, on the Task09_Spleen folder and NVIDIA's model_vista3d.pt.
#
#   swift run -c release vista run examples/spleen_finetune.vs \
#       --set data_dir="/data/Task09_Spleen" --set checkpoint="/data/model_vista3d.pt"
#
# Relative paths resolve against this file's folder (examples/). The full run trains all 218 M parameters on
# 96³ patches: on a 2-core CPU expect hours, not minutes (see the README's performance table). Smaller knobs:
# --set limit_steps=8 (patches per epoch), --set epochs=1, --set original_eval=false. The run folder is never
# overwritten: run again with another --set run_dir="runs/…", or continue a stopped run with resume(run_dir).
# needs: Task09_Spleen and model_vista3d.pt (ExampleScriptTests runs it on a synthetic MSD folder with a tiny model)

# ---- Settings: each one can be overridden with --set name=value --------------------------------------------
data_dir = "data/Task09_Spleen"         # the Medical Segmentation Decathlon spleen task, untarred
checkpoint = "data/model_vista3d.pt"    # NVIDIA's official VISTA3D weights (MONAI ≥ 1.4 key layout)
config = "vista3d132"                   # the tutorial's vista3d132(encoder_embed_dim=48, in_channels=1)
split = "tutorial"                      # "tutorial" (last 9 by file name) or "heldout" (see step 1)
patch = [96, 96, 96]                    # RandCropByPosNegLabeld spatial_size, also the sliding-window roi
samples = 2                             # RandCropByPosNegLabeld num_samples: 2 patches per image
epochs = 5                              # max_epochs
lr = 1e-5                               # torch.optim.Adam(model.parameters(), lr=1e-5)
amp = false                             # the notebook trains in fp32; true = mixed precision + GradScaler
limit_steps = nil                       # cap on patches per epoch (nil = all: 32 images × 2 = 64)
original_eval = true                    # step 8: Dice of the best model on the original voxel grid
run_dir = "runs/spleen_finetune"        # best.pt, last.pt, metrics.csv, log.txt and the figures go here
seed = 0                                # set_determinism(seed=0)

# ---- 0. Data and weights ----------------------------------------------------------------------------------
if not exists(data_dir) {
  error("no Task09_Spleen folder at '{data_dir}'. Download https://msd-for-monai.s3-us-west-2.amazonaws.com/Task09_Spleen.tar (1.5 GB, md5 410d4a301da4e5b2f6f86ec3ddba524e), untar it and pass --set data_dir=\"/path/to/Task09_Spleen\"")
}
if not exists(checkpoint) {
  error("no checkpoint at '{checkpoint}'. Download https://developer.download.nvidia.com/assets/Clara/monai/tutorials/model_zoo/model_vista3d.pt (872 MB, md5 6ce45a8edde4400c5d28d5e74d7b61d5) and pass --set checkpoint=\"/path/to/model_vista3d.pt\"")
}

# ---- 1. Datalist and split --------------------------------------------------------------------------------
# The tutorial globs imagesTr/ and labelsTr/, sorts the names as strings and keeps the last 9 for validation
# (spleen_56, 59, 6, 60, 61, 62, 63, 8, 9). KNOWN FLAW: 8 of those 9 were in VISTA3D's own training data
# (only spleen_61 is in the research repo's held-out test list), so the tutorial's validation Dice mostly
# measures cases the model has already seen. We keep that split by default so the numbers compare with the
# notebook, and flag the held-out case below. --set split="heldout" validates on the research test eight
# instead (spleen_21, 29, 33, 38, 44, 46, 53, 61) and finetunes on the other 33: an honest evaluation.
heldout = ["spleen_21", "spleen_29", "spleen_33", "spleen_38", "spleen_44", "spleen_46", "spleen_53", "spleen_61"]
if split == "heldout" {
  data = dataset(data_dir, split=heldout)
} else {
  data = dataset(data_dir, split="tutorial")
}
# Relabeld(label_mappings={"default": [[1, 3]]}): the dataset's spleen (1) is VISTA3D's global class 3.
data.map_labels({1: 3})
print(data)

# ---- 2. Transforms ----------------------------------------------------------------------------------------
# Train: LoadImaged → EnsureChannelFirstd → ScaleIntensityRanged(a_min=-1000, a_max=1000, b_min=0, b_max=1,
# clip=True) → Orientationd("RAS") → Spacingd(1.5 mm, bilinear / nearest) → RandCropByPosNegLabeld(96³, pos=1,
# neg=1, num_samples=2, image_threshold=0) → Relabeld. Validation: the same without the crop (whole volumes go
# to the sliding window). No augmentation: the tutorial's RandAffined is commented out. finetune() below runs
# exactly these two pipelines; here we only print them and look at the first validation case.
train_transforms = transforms("tutorial-train", patch=patch, samples=samples)
val_transforms = transforms("tutorial-val")
print(train_transforms)
print(val_transforms)
# "Check transforms" cell: the first validation case after val_transforms (the notebook shows slice 100;
# plot_overlay picks the slice with the most spleen and draws it in radiological orientation).
check = val_transforms(data.val[0])
print("image shape {check.image.shape}, label shape {check.label.shape}")

# ---- 3. Model --------------------------------------------------------------------------------------------
# vista3d132(encoder_embed_dim=48, in_channels=1) + load_state_dict(torch.load(...)), strict: every key of
# the image encoder, class head and point head (and the point head's positional-encoding buffer) is loaded.
model = vista3d(config, checkpoint=checkpoint)
print(model)

# ---- 4. Loss, optimizer, prompt sampling --------------------------------------------------------------------
# DiceLoss(sigmoid=True) per prompt; Adam(lr=1e-5) over all parameters (nothing frozen); one optimizer step
# per patch. Prompts per patch: monai.apps.vista3d.sampler.sample_prompt_pairs(label_set=[0, 3], max_point=5,
# max_prompt=32, max_backprompt=4, drop_label_prob=0.2, drop_point_prob=0.2) = mode "both": class prompts and
# sampled clicks, so the point branch trains too (the notebook's "only automatic training" comment is wrong).
train = finetune(
  model, data, patch=patch, samples=samples, lr=lr, optimizer="adam", loss="dice", label_set=[0, 3],
  mode="both", amp=amp, seed=seed, val_interval=1, limit_steps=limit_steps, run=run_dir)
print(train)
# The "check transforms" figure of step 2 (drawn now that finetune() has made the run folder).
plot_overlay(check, file="{run_dir}/check_transforms.png", panels=["image", "label"])

# ---- 5. Training loop with validation every epoch ---------------------------------------------------------
# Each epoch: 32 images × 2 patches; then sliding_window_inference(roi=96³, sw_batch_size=1, overlap=0.25,
# mode="constant", class_vector=[3]) on the 9 whole validation volumes, VistaPostTransformd (logit > 0 → 3),
# compute_dice per case, nanmean. A new best mean Dice saves best.pt in the run folder
# (the notebook's best_metric_model.pth); last.pt and metrics.csv are written every epoch.
best_dice = -1.0
best_epoch = 0
for epoch in 1..epochs {
  rec = train.epoch()
  if rec == nil { break }              # Ctrl-C: the state is saved, resume("{run_dir}") continues
  dice_now = rec["val_dice"]
  if rec["best"] {
    best_dice = dice_now
    best_epoch = epoch
  }
  print("current epoch: {epoch} current mean dice: {dice_now:.4f} best mean dice: {best_dice:.4f} at epoch: {best_epoch}")
}
print("train completed, best_metric: {best_dice:.4f} at epoch: {best_epoch}")

# ---- 6. Curves ---------------------------------------------------------------------------------------------
# "Epoch Average Loss" and "Val Mean Dice" per epoch (plus the learning rate).
plot_curves(train, "{run_dir}/curves.png", title="VISTA3D spleen finetuning")

# ---- 7. Best model ----------------------------------------------------------------------------------------
best = vista3d(config, checkpoint="{run_dir}/best.pt")

# ---- 8. Evaluation on the original voxel grid (cells 35-36) -----------------------------------------------
# segment() preprocesses like val_transforms, runs the sliding window at 1.5 mm and maps the labels back onto
# each case's original grid with nearest-neighbour interpolation (the bundle's Invertd(nearest_interp=True);
# the notebook uses nearest_interp=False, which blurs a label map). Dice is then computed against the label
# file as it is. The first 3 cases also get the notebook's image / label / output figure (cell 33).
if original_eval {
  scores = []
  for i, case in enumerate(data.val) {
    seg = best.segment(case, classes=[3], roi=patch)
    d = dice(seg, case, class_id=3)
    scores.append(d)
    seen = ""
    if split != "heldout" and case.name in heldout { seen = "  (held out from VISTA3D's training)" }
    print("{case.name}: Dice {d:.4f} on the original grid{seen}")
    if i < 3 {
      plot_overlay(case, seg, file="{run_dir}/check_{i}.png", panels=["image", "label", "prediction"])
    }
  }
  print("mean Dice on the original grid: {sum(scores) / len(scores):.4f} over {len(scores)} cases")
}

# ---- 9. Inference on one case, written as NIfTI on its original grid (cells 38-39) -----------------------
# KNOWN FLAW: the notebook's test cell windows the CT with ScaleIntensityRanged(a_min=-57, a_max=164), a
# leftover from the classic spleen UNet tutorial; the model was finetuned on -1000..1000 (VISTA3D's own
# pretraining used -963.8..1053.7, nearly the same), so that window feeds it images it has never seen.
# segment_file applies the training window (-1000..1000 → 0..1), RAS, 1.5 mm, the sliding window, and writes
# uint8 class ids with the input's own affine and shape. We use a validation case (it has a label to check);
# any CT works, e.g. one of imagesTs/.
case = data.val[0]
out = segment_file(case.path, "{run_dir}/{case.name}_seg.nii.gz", model=best, classes=[3], roi=patch)
written = load_nifti(out)
print("wrote {out}: shape {written.shape} (image {case.image.shape}), Dice {dice(written, case, class_id=3):.4f}")
plot_overlay(case, written, file="{run_dir}/inference.png", panels=["image", "prediction", "overlay"])
