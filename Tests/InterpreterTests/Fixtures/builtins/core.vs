print(type(1), type(1.0), type("s"), type([]), type({}), type(nil), type(1..2), type(print))
# expect: int float str list dict nil range builtin
print(str(1.5), int(3.9), int("-4"), float(2), bool(""))  # expect: 1.5 3 -4 2.0 false
print(abs(-3), abs(-2.5), min([4, 2, 8]), max(1, 9, 3))   # expect: 3 2.5 2 9
print(round(3.14159, 2), round(3.5), round(4.5))         # expect: 3.14 4 4
print(sqrt(2.25), exp(0), log(1), floor(-1.5), ceil(1.2)) # expect: 1.5 1.0 0.0 -2 2
print(sum([0.5, 0.25]), sum([], start=10))               # expect: 0.75 10
print("a", "b", sep="-", end="!\n")                      # expect: a-b!
print(repr("x"), repr([1, "y"]))                          # expect: "x" [1, "y"]
print(1e16, 1.0, -0.0, 1e-5, 123.456)                     # expect: 1e+16 1.0 -0.0 1e-05 123.456
