s = " Hello, World "
print(s.strip().lower())           # expect: hello, world
print("a,b,,c".split(","))         # expect: ["a", "b", "", "c"]
print("a b  c".split())            # expect: ["a", "b", "c"]
print("-".join(["x", "y", "z"]))   # expect: x-y-z
print("spleen".replace("e", "E"))  # expect: splEEn
print("run.vs".endswith(".vs"), "run.vs".startswith("x"))  # expect: true false
print("abc".find("c"), "abc".find("z"))  # expect: 2 -1
print("{:.2f} s, {} epochs".format(1.23456, 5))  # expect: 1.23 s, 5 epochs
print(len("héllo"), "abc"[-1], "ab" * 3)  # expect: 5 c ababab
