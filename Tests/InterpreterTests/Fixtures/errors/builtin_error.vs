t = tensor([1, 2, 3], shape=[2, 2])
# expect runtime error: 1:5:
