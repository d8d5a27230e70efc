len([1], [2])
# expect runtime error: 1:10: len() takes 1 argument but 2 were given
