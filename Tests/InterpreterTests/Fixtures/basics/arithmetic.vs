print(1 + 2 * 3)        # expect: 7
print(7 / 2)            # expect: 3.5
print(7 // 2, -7 // 2)  # expect: 3 -4
print(-7 % 3, 7 % -3)   # expect: 2 -2
print(2 ** 10, 2 ** -1) # expect: 1024 0.5
print(-2 ** 2)          # expect: -4
print(1e-4, 2.5e3)      # expect: 0.0001 2500.0
print(1_000_000)        # expect: 1000000
print(0.1 + 0.2)        # expect: 0.30000000000000004
print(3 == 3.0, 1 != 2) # expect: true true
print(10 - 2 - 3)       # expect: 5
