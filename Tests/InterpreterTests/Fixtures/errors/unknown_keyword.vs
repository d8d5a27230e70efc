fn trainer(model, lr=1e-4, optimizer="adamw") { return 1 }
tr = trainer(1, learning_rat=1e-4)
# expect runtime error: 2:17: unknown keyword argument 'learning_rat' for trainer()
