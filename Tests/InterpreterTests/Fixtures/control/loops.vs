total = 0
for i in 1..10 {
  if i % 2 == 0 { continue }
  if i > 7 { break }
  total += i
}
print(total)  # expect: 16
i = 0
while i < 3 { i += 1 }
print(i)      # expect: 3
for c in "ab" { print(c) }
# expect: a
# expect: b
for k in {"x": 1} { print(k) }  # expect: x
for p in [[1, 2], [3, 4]] { print(p[0] + p[1]) }
# expect: 3
# expect: 7
print(i)  # expect: 3
