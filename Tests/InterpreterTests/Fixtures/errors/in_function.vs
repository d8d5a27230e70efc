fn inner(x) {
  return x.shape
}
inner(3)
# expect runtime error: 2:12: int has no property or method 'shape'
