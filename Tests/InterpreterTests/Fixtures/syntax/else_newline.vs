if true
{
  print(1)
}
# expect error: 2:1: expected '{' on the same line as the if condition
