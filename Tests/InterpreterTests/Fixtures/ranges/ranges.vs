print(list(1..5))       # expect: [1, 2, 3, 4, 5]
print(list(0..<3))      # expect: [0, 1, 2]
n = 4
print(list(0..<n-1))    # expect: [0, 1, 2]
print(1..5, 0..<n)      # expect: 1..5 0..<4
print(len(1..5), (1..5)[-1])  # expect: 5 5
print(list(range(0, 10, 3)), list(range(3)))  # expect: [0, 3, 6, 9] [0, 1, 2]
print(3 in 1..5, 6 in 1..5)  # expect: true false
print(list(range(5, 0, -2)))  # expect: [5, 3, 1]
print(sum(1..100))      # expect: 5050
