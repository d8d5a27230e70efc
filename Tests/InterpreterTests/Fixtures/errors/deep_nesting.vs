# Nesting inside recursion is bounded by a total evaluation depth, so the stack never overflows.
fn f(n) {
  if n == 0 { return 0 }
  return (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + f(n - 1)))))))))))))))))))))
}
print(f(10))  # expect: 200
print(f(150))
# expect runtime error: expressions and calls nested too deeply (1200 levels)
