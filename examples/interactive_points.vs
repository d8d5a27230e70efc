# Interactive clicks: segment the spleen from one positive click, correct it with more clicks (a negative click
# marks a leak), and watch the Dice after each one.
#
#   swift run -c release vista run examples/interactive_points.vs                   # synthetic CT (~2-3 min)
#   swift run -c release vista run examples/interactive_points.vs --set source="shared"
#       (the real TotalSegmentator example CT in ../shared/totalsegmentator_example/, when present)
#   swift run -c release vista run examples/interactive_points.vs --set checkpoint="data/model_vista3d.pt" \
#       --set config="vista3d132" --set 'patch=[96, 96, 96]' --set 'shared_patch=[96, 96, 96]'
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
figures = "points"                       # figures: points_1.png … points_3.png (next to this file)

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
# Point prompts need a model whose point head was trained with clicks. NVIDIA's model_vista3d.pt was; here a
# fresh small model is trained in mode "point": every patch gets clicks sampled from its label (MONAI's
# sample_prompt_pairs with drop_label_prob=1: 1-5 positive clicks inside the spleen, 0-5 negative ones outside).
if checkpoint != nil {
  model = vista3d(config, checkpoint=checkpoint)
} else if exists("{run_dir}/last.pt") {
  print("reusing the model trained in {run_dir} (delete that folder to train again)")
  model = vista3d(config, checkpoint="{run_dir}/last.pt")
} else {
  model = vista3d(config, seed=0)
  train = finetune(
    model, data, patch=patch, samples=2, lr=lr, optimizer="adam", label_set=[0, 3], mode="point",
    loss="dicece", schedule="cosine", epochs=epochs, seed=0, val_interval=0, run=run_dir)
  train.fit(epochs=epochs)
}
print(model)
case = data.val[0]

# Segments with the clicks so far, prints the Dice against the label and draws the clicked slice.
# Clicks only, no class prompt: as in the VISTA3D bundle, only a window (roi = the training patch) centred on
# each click is computed, so a click reaches about half a patch around it; label_id=3 names the result "spleen".
fn show(step, title) {
  seg = model.segment(case, points=clicks, point_labels=labels, label_id=3, roi=patch)
  d = dice(seg, case, class_id=3)
  last = clicks[len(clicks) - 1]
  kind = "positive"
  if labels[len(labels) - 1] == 0 { kind = "negative" }
  print("{len(clicks)} click(s), {kind} at {last}: Dice {d:.3f}")
  plot_overlay(case, seg, file="{figures}_{step}.png", points=clicks, point_labels=labels, slice=last[2],
    title="{case.name} · {title}", dice=d)
  return seg
}

# ---- 3. One positive click -----------------------------------------------------------------------------------
# next_click(nil, case) is where a user would click first: deep inside the spleen (the label only stands in
# for the user's eye here).
first = next_click(nil, case, class_id=3)
clicks = [first["point"]]
labels = [1]
seg = show(1, "1 positive click")

# ---- 4. A second click where the result is most wrong ------------------------------------------------------
# next_click(seg, case) looks at both kinds of error and clicks deep inside the larger one: a positive click in
# a missed part of the spleen (label 1) or a negative one in a leak (label 0). All clicks go in together.
fix = next_click(seg, case, class_id=3)
if fix != nil {
  clicks.append(fix["point"])
  labels.append(fix["label"])
  seg = show(2, "+ click on the largest error")
}

# ---- 5. A negative click inside the largest leak -----------------------------------------------------------
# next_click(kind="negative") finds the largest region predicted as spleen that is not spleen and clicks deep
# inside it. Expect a small gain from a model trained here for two minutes: MONAI's sampler puts negative
# clicks at random background voxels, mostly far from the organ, so it sees few negatives next to a leak;
# NVIDIA's checkpoint was also trained with clicks placed on its own errors (the VISTA3D research recipe).
leak = next_click(seg, case, class_id=3, kind="negative")
if leak == nil {
  print("no leak to fix: nothing outside the spleen is labelled spleen")
} else {
  leaked = leak["voxels"]
  print("largest leak: {leaked} voxels")
  clicks.append(leak["point"])
  labels.append(0)
  seg = show(3, "+ negative click in the leak")
}
