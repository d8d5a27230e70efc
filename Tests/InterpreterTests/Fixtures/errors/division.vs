x = 1 / 0
# expect runtime error: 1:5: division by zero
