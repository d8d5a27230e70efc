x = (1 +)
y = 2
z = [1, 2
w = 3 3
# expect error: 1:9: expected an expression, found ')'
# expect error: 3:5: '[' was never closed
