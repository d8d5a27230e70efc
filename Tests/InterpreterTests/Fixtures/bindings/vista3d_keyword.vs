model = vista3d("tiny", chekpoint="model.pt")
# expect runtime error: 1:25: unknown keyword argument 'chekpoint' for vista3d()
