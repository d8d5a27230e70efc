x = "a"
print("{x:.3f}")
# expect runtime error: 2:9: format '.3f' needs a number, got str
