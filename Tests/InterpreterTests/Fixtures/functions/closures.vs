fn make_counter() {
  count = [0]
  fn inc() {
    count[0] += 1
    return count[0]
  }
  return inc
}
c = make_counter()
c()
c()
print(c())  # expect: 3
fn fib(n) { if n < 2 { return n }; return fib(n - 1) + fib(n - 2) }
print(fib(15))  # expect: 610
square = fn(x) { return x * x }
print(square(7))  # expect: 49
fn apply(f, x) { return f(x) }
print(apply(fn(v) { return v + 1 }, 1))  # expect: 2
g = 10
fn reads_global() { return g }
fn shadows() { g = 5; return g }
print(reads_global(), shadows(), g)  # expect: 10 5 10
