xs = [1, 2, 3]
print(xs[-3])  # expect: 1
print(xs[3])
# expect runtime error: 3:10: index 3 out of range for length 3
