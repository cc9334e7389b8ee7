"""Rebinds each entry to a new array: the caller's arrays never move.

loses: test_sgd_step
says: in place
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% sgd_step
def sgd_step(params, grads, lr):
    for key in params:
        params[key] = params[key] - lr * grads[key]
