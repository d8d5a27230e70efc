x = 1
x += 2
x *= 10
x -= 5
x /= 5
print(x)  # expect: 5.0
name = "a"
name += "b"
print(name)  # expect: ab
a = 1; b = 2; print(a + b)  # expect: 3
