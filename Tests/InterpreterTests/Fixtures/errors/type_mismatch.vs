zeros("big")
# expect runtime error: 1:7: argument 'shape' of zeros() must be list, got str
