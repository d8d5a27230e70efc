xs = [3, 1, 2]
xs.append(5)
print(xs, len(xs))        # expect: [3, 1, 2, 5] 4
print(xs[0], xs[-1])      # expect: 3 5
xs[1] = 10
print(xs)                 # expect: [3, 10, 2, 5]
print(xs.pop(), xs)       # expect: 5 [3, 10, 2]
xs.sort()
print(xs, sorted([3, 1], reverse=true))  # expect: [2, 3, 10] [3, 1]
ys = xs
ys.append(1)
print(xs)                 # expect: [2, 3, 10, 1]
print([1, 2] + [3], [0] * 3)  # expect: [1, 2, 3] [0, 0, 0]
print(xs.contains(10), xs.index(3))  # expect: true 1
xs.insert(0, "a")
xs.remove(10)
print(xs)                 # expect: ["a", 2, 3, 1]
print([], [[1], [2, [3]]])  # expect: [] [[1], [2, [3]]]
print(enumerate(["a", "b"], start=1))  # expect: [[1, "a"], [2, "b"]]
print(zip([1, 2, 3], ["x", "y"]))      # expect: [[1, "x"], [2, "y"]]
