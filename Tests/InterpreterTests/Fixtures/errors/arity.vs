fn f(a, b) { return a + b }
print("before")  # expect: before
f(1)
# expect runtime error: 3:1: missing argument 'b' for f()
