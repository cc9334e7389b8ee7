"""Pairs parameters and gradients by position (zip of the values), not by name.

loses: test_sgd_step
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% sgd_step
def sgd_step(params, grads, lr):
    for p, g in zip(params.values(), grads.values()):
        p -= lr * g
