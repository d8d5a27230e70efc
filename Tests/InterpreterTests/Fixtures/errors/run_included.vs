print("start")  # expect: start
run "included_error.vs.inc"
# expect runtime error: 2:5: division by zero
