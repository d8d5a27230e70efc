1 = x
f() = 2
# expect error: 1:1: cannot assign to this expression
# expect error: 2:1: cannot assign to this expression
