x = 1 y = 2
# expect error: 1:7: expected newline after statement, found 'y'
