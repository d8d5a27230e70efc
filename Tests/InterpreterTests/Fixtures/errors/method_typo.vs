xs = [1]
xs.apend(2)
# expect runtime error: 2:4: list has no property or method 'apend'
# expect help: did you mean 'append'?
