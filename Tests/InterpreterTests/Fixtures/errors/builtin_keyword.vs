print("x", sepp=",")
# expect runtime error: 1:12: unknown keyword argument 'sepp' for print()
# expect help: did you mean 'sep'? accepted: sep, end
