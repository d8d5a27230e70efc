xs = [0, 1, 2, 3, 4]
print(xs[1:3], xs[:2], xs[3:], xs[-2:], xs[:])  # expect: [1, 2] [0, 1] [3, 4] [3, 4] [0, 1, 2, 3, 4]
print(xs[4:1], xs[-100:100])                     # expect: [] [0, 1, 2, 3, 4]
print("spleen"[1:4], "abc"[:-1])                 # expect: ple ab
ys = xs[1:3]
ys.append(9)
print(xs)                                        # expect: [0, 1, 2, 3, 4]
print({"a": 1}[:1])
# expect runtime error: 8:7: dict cannot be sliced
