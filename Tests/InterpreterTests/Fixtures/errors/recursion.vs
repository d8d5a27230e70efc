fn forever(n) { return forever(n + 1) }
forever(0)
# expect runtime error: maximum call depth
