"""Ignores the axis argument: always normalises along the last axis.

loses: test_softmax
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% softmax


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_backward(dout, x, axis=-1):
    s = softmax(x)
    return s * (dout - (dout * s).sum(axis=-1, keepdims=True))
