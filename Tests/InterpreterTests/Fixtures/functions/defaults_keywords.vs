fn train(epochs, lr=1e-4, optimizer="adam") {
  return "{epochs} {lr} {optimizer}"
}
print(train(3))                        # expect: 3 0.0001 adam
print(train(3, optimizer="sgd"))       # expect: 3 0.0001 sgd
print(train(lr=0.5, epochs=1))         # expect: 1 0.5 adam
fn noreturn() { x = 1 }
print(noreturn())                      # expect: nil
fn early(x) {
  if x { return }
  return 2
}
print(early(true), early(false))       # expect: nil 2
