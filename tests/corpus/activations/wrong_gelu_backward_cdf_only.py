"""Differentiates x * Phi(x) as Phi(x): the x * phi(x) term of the product rule is lost.

loses: test_gelu_silu
says: misses the x * phi(x) term
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% gelu_silu

import math

erf = np.vectorize(math.erf, otypes=[float])


def gelu(x):
    return x * 0.5 * (1 + erf(x / np.sqrt(2)))


def gelu_backward(dout, x):
    return dout * 0.5 * (1 + erf(x / np.sqrt(2)))


def silu(x):
    return x * sigmoid(x)


def silu_backward(dout, x):
    s = sigmoid(x)
    return dout * (s + x * s * (1 - s))
