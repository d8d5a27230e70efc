d = {"spleen": 1}
d["splen"]
# expect runtime error: 2:3: key "splen" not in dict
# expect help: did you mean 'spleen'?
