# Quickstart: finetune a small VISTA3D on a synthetic dataset, then look at the result.
# vista run examples/quickstart.vs            (release build: a few minutes on 2 cores)
# vista run examples/quickstart.vs --set epochs=1 --set size=[32,32,16] --set patch=[16,16,16] --set 'config="tiny"'
# slow: trains for minutes; Issue6ScriptTests runs it with small --set values.
cases = 8
size = [64, 64, 48]                 # voxels per synthetic CT
patch = [32, 32, 32]                # training crop (a multiple of 16; ≤ the resampled volume, ~35×35×79 here)
config = "small"                    # vista3d132 | small | tiny
epochs = 60
lr = 1e-3
loss = "dicece"                     # Dice + cross-entropy (the bundle's loss); plain Dice stalls from random init

data = synthetic_dataset("data/synth", cases=cases, size=size, seed=0)
data.map_labels({1: 3})                                   # synthetic spleen -> VISTA3D class 3
print(data)
model = vista3d(config, seed=0)
print(model)
train = finetune(model, data, patch=patch, samples=2, lr=lr, optimizer="adam", label_set=[0, 3], mode="auto", loss=loss, schedule="cosine", epochs=epochs, seed=0, run="runs/quickstart-{config}")
train.fit(epochs=epochs)
result = train.validate(overlap=0.25)
print(result)
plot_curves(train, "curves.png")
case = data.val[0]
seg = model.segment(case, classes=[3], roi=patch)
plot_overlay(case, seg, file="overlay.png")
print("final val dice {result.mean:.4f} (spleen {result.per_class[3]:.4f})")
