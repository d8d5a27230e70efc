epochs = 5
print(epochz)
# expect runtime error: 2:7: unknown name 'epochz'
# expect help: did you mean 'epochs'?
