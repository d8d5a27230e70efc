break
fn f() {
  continue
  for x in [1] { fn g() { break } }
  return 1
}
return 2
# expect error: 1:1: 'break' outside a loop
# expect error: 3:3: 'continue' outside a loop
# expect error: 4:27: 'break' outside a loop
# expect error: 7:1: 'return' outside a function
