t = zeros([2, 3])
print(t.shape, t.size, t.sum())   # expect: [2, 3] 6 0.0
u = ones([2, 2]) * 3 + 1
print(u.mean(), u[0], u[[1, 1]])  # expect: 4.0 4.0 4.0
r = rand([4, 4], seed=7)
r2 = rand([4, 4], seed=7)
print(r.sum() == r2.sum(), r.max() < 1, r.min() >= 0)  # expect: true true true
save_npy(u, "/tmp/vista_fixture.npy")
v = load_npy("/tmp/vista_fixture.npy")
print(v.shape, v.tolist())        # expect: [2, 2] [4.0, 4.0, 4.0, 4.0]
print(tensor([1, 2, 3, 4], shape=[2, 2]).reshape([4]).shape)  # expect: [4]
print(zeros([1]))                 # expect: Tensor [1] float32 · mean 0 · [0]
