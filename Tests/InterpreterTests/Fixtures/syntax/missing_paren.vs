print(1, 2
x = 3
# expect error: 1:6: '(' was never closed
