# Interactive clicks: segment the spleen from one positive click, then fix a leak with a negative click.
#
#   swift run -c release vista run examples/interactive_points.vs                   # synthetic CT (~2-3 min)
#   swift run -c release vista run examples/interactive_points.vs --set source="shared"
#       (the real TotalSegmentator example CT in ../shared/totalsegmentator_example/, when present)
#   swift run -c release vista run examples/interactive_points.vs --set checkpoint="data/model_vista3d.pt"
#       (NVIDIA's weights, trained with clicks on 11,454 CTs: no training step; add --set source="shared")
#
# Clicks are voxel coordinates [x, y, z] of the CT file as it is on disk (not of the resampled 1.5 mm grid);
# segment() maps them through the affines, as the VISTA3D bundle does.
# slow: trains a small model first; ExampleScriptTests runs it with small --set values.

source = "synthetic"                     # "synthetic" or "shared"
shared_dir = "../../shared/totalsegmentator_example"   # relative to this file (examples/)
checkpoint = nil                         # a VISTA3D checkpoint trained with clicks; nil = train one here
config = "small"                         # vista3d132 for model_vista3d.pt
cases = 6                                # synthetic cases
size = [64, 64, 48]                      # voxels per synthetic CT
patch = [32, 32, 32]                     # training crop and sliding-window roi (multiples of 16)
shared_patch = [64, 64, 32]              # the same for the real CT (244 × 202 × 60 voxels at 1.5 mm)
epochs = 24
lr = 1e-3
run_dir = "runs/interactive_points"      # the training run (checkpoints, metrics.csv)
figures = "points"                       # figures: points_1.png, points_2.png (next to this file)

# ---- 1. A CT with a spleen label (the label only scores the clicks and places them like a user would) -----
if source == "shared" {
  ct = "{shared_dir}/example_ct_sm.nii.gz"
  mask = "{shared_dir}/example_seg_fast/spleen.nii.gz"
  if not exists(ct) {
    error("no TotalSegmentator example at '{shared_dir}' (resolved against examples/): pass --set shared_dir=\"/path/to/totalsegmentator_example\" or use the synthetic set (the default)")
  }
  # One real scan (TotalSegmentator's test CT, Apache-2.0; its spleen mask is a TotalSegmentator prediction).
  # Without NVIDIA's checkpoint we train on this very scan, so this shows how clicks work, not how well a
  # model generalises: train and validate on the same case.
  data = dataset([{"image": ct, "label": mask}, {"image": ct, "label": mask}], split=0.5)
  patch = shared_patch
} else {
  # Synthetic abdominal CTs: spleen labelled 1; the liver, of similar density, is in the image but unlabelled,
  # which is where a click-based result tends to leak.
  data = synthetic_dataset("data/synth_points", cases=cases, size=size, seed=0)
}
data.map_labels({1: 3})                 # spleen -> VISTA3D class 3
print(data)

# ---- 2. A model that understands clicks ---------------------------------------------------------------------
# Point prompts need a model whose point head was trained with clicks. NVIDIA's model_vista3d.pt was; a fresh
# small model is trained here in mode "both": each patch gets class prompts and clicks sampled from its label
# (MONAI's sample_prompt_pairs), so the point branch learns what a positive and a negative click mean.
if checkpoint != nil {
  model = vista3d(config, checkpoint=checkpoint)
} else {
  model = vista3d(config, seed=0)
  train = finetune(
    model, data, patch=patch, samples=2, lr=lr, optimizer="adam", label_set=[0, 3], mode="both", loss="dicece",
    schedule="cosine", epochs=epochs, seed=0, val_interval=0, run=run_dir)
  train.fit(epochs=epochs)
}
print(model)
case = data.val[0]

# ---- 3. One positive click -----------------------------------------------------------------------------------
# next_click(nil, case) is where a user would click first: deep inside the spleen. The result uses the clicks
# only (no class prompt): windows without a click are not computed, as in the bundle's point inference.
first = next_click(nil, case, class_id=3)
clicks = [first["point"]]
labels = [1]
seg1 = model.segment(case, points=clicks, point_labels=labels, label_id=3, roi=patch)
dice1 = dice(seg1, case, class_id=3)
print("1 click  (positive at {clicks[0]}): Dice {dice1:.3f}")
plot_overlay(case, seg1, file="{figures}_1.png", points=clicks, point_labels=labels, slice=clicks[0][2],
  title="{case.name} · 1 positive click")

# ---- 4. A negative click where the result leaks ------------------------------------------------------------
# next_click(kind="negative") finds the largest region predicted as spleen that is not spleen and clicks deep
# inside it. Both clicks go to the model together: it re-segments with "spleen here, not there".
leak = next_click(seg1, case, class_id=3, kind="negative")
if leak == nil {
  print("no leak to fix: the first result has no false-positive region")
} else {
  clicks.append(leak["point"])
  labels.append(0)
  seg2 = model.segment(case, points=clicks, point_labels=labels, label_id=3, roi=patch)
  dice2 = dice(seg2, case, class_id=3)
  leaked = leak["voxels"]
  gain = dice2 - dice1
  print("2 clicks (negative at {clicks[1]}, in a leak of {leaked} voxels): Dice {dice2:.3f} ({gain:+.3f})")
  plot_overlay(case, seg2, file="{figures}_2.png", points=clicks, point_labels=labels, slice=clicks[1][2],
    title="{case.name} · + negative click")
}
