# A tour of the .vs language: run with `vista examples/language_tour.vs`.

# Numbers, strings and interpolation with Python-style format specs.
lr = 1e-4
epochs = 3
print("lr {lr} · {lr:.1e} · epochs {epochs:>3d}")

# Lists, dicts, ranges (1..5 is inclusive, 0..<n exclusive), indexing and slices.
patch = [96, 96, 96]
labels = {"spleen": 3, "liver": 1}
labels["kidney"] = 2
print(patch[-1], patch[:2], len(labels), list(0..<4))

# Functions with defaults and keyword arguments; closures.
fn warmup(epoch, total=3, peak=lr) {
  return peak * min(1.0, epoch / total)
}
for e in 1..epochs {
  print("epoch {e}: lr {warmup(e):.2e}")
}

fn make_history() {
  values = []
  fn record(loss) {
    values.append(loss)
    return len(values)
  }
  return record
}
record = make_history()
record(0.9)
print("recorded", record(0.7), "losses")

# Loops with break/continue, while, and dict iteration.
best = nil
for name, cls in labels.items() {
  if cls == 1 { continue }
  if best == nil or cls > best { best = cls }
}
print("highest class other than liver:", best)
n = 0
while n < 100 { n += 7 }
print("first multiple of 7 above 100:", n)

# Tensors and .npy files.
t = rand([2, 3], seed=0)
print(t.shape, "mean {t.mean():.4f}")

# Timing.
time total = sum(0..<100000)
print(total)
