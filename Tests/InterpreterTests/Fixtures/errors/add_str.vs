"loss " + 0.5
# expect runtime error: 1:1: cannot add str and float
