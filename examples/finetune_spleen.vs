# Finetune VISTA3D on MSD spleen: the script of issue 6 §1.
# needs: data/Task09_Spleen and model_vista3d.pt (Issue6ScriptTests runs it on synthetic data with the tiny model)
data = dataset("Task09_Spleen", split="tutorial")
data.map_labels({1: 3})                       # spleen -> VISTA3D class 3
model = vista3d(checkpoint="model_vista3d.pt")
train = finetune(model, data, patch=[96, 96, 96], samples=2, lr=1e-5, optimizer="adam", label_set=[0, 3], amp=true)
for epoch in 1..5 {
    train.epoch()
    if epoch % 1 == 0 { print("val dice {train.validate(overlap=0.25).mean:.4f}") }
}
plot_curves(train, "curves.png")
case = data.val[0]
plot_overlay(case, model.segment(case, classes=[3]), file="overlay.png")
model.save("finetuned.pt")
