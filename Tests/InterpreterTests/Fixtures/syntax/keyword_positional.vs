f(a=1, 2)
# expect error: 1:8: positional argument follows keyword argument
