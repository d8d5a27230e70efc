fn grade(x) {
  if x > 90 { return "A" } else if x > 80 { return "B" }
  else {
    return "C"
  }
}
print(grade(95), grade(85), grade(10))  # expect: A B C
if [] { print("no") } else { print("empty is false") }  # expect: empty is false
