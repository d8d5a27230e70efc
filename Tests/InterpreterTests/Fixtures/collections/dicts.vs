d = {"spleen": 3, "liver": 1}
d["kidney"] = 2
print(d)                    # expect: {"spleen": 3, "liver": 1, "kidney": 2}
print(d["spleen"], len(d))  # expect: 3 3
print(d.keys())             # expect: ["spleen", "liver", "kidney"]
print(d.values())           # expect: [3, 1, 2]
print(d.get("lung"), d.get("lung", 0))  # expect: nil 0
print(d.pop("liver"), d)    # expect: 1 {"spleen": 3, "kidney": 2}
m = {1: 3}
print(m[1], m[1.0])         # expect: 3 3
for k, v in d.items() { print(k, v) }
# expect: spleen 3
# expect: kidney 2
e = {
  "a": 1,
  "b": [1,
        2],
}
print(e)                    # expect: {"a": 1, "b": [1, 2]}
print(d.contains("spleen"), "x" in d)  # expect: true false
