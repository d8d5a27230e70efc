print(true and false, true or false, not true)  # expect: false true false
print(nil or "default")                          # expect: default
print(0 and 1/0)                                 # expect: 0
print(not 1 == 2)                                # expect: true
print(1 < 2, 2 <= 2, "a" < "b", [1, 2] < [1, 3]) # expect: true true true true
print(3 in [1, 2, 3], 4 not in [1, 2])          # expect: true true
print("ell" in "hello", "k" in {"k": 1})         # expect: true true
x = 5
print(0 <= x < 10, 3 > 2 > 1, 1 < 3 < 2, 1 == 1 == 1)  # expect: true true false true
