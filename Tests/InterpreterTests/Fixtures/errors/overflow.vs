print(2 ** 62)  # expect: 4611686018427387904
x = 2 ** 64
# expect runtime error: 2:5: integer overflow in '**'
