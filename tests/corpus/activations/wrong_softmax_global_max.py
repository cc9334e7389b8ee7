"""Subtracts the maximum of the whole array, not each row's: rows far below it underflow to 0 / 0.

loses: test_softmax
says: subtract each row's maximum
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% softmax


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_backward(dout, x, axis=-1):
    s = softmax(x, axis)
    return s * (dout - (dout * s).sum(axis=axis, keepdims=True))
