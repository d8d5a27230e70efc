x = 1
}
print(x)
# expect error: 2:1: unexpected '}'
