"""Averages the velocity, v = momentum * v + (1 - momentum) * g, instead of PyTorch's sum.

loses: test_sgd_step
says: dampening
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% sgd_step
def sgd_step(param, grad, velocity, lr, momentum=0.0, weight_decay=0.0):
    g = grad + weight_decay * param
    if momentum == 0:
        return param - lr * g, velocity
    if velocity is None:
        velocity = g
    else:
        velocity = momentum * velocity + (1 - momentum) * g
    return param - lr * velocity, velocity
