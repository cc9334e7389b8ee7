"""Adds the gradient (gradient ascent) instead of subtracting it.

loses: test_sgd_step
says: against the gradient
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% sgd_step
def sgd_step(params, grads, lr):
    for key, p in params.items():
        p += lr * grads[key]
