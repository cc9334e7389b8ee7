"""Saves memory by computing the softmax in the caller's array: right values, x destroyed.

loses: test_softmax
says: your function changed its argument `x`
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% softmax
def softmax(x, axis=-1):
    x -= np.max(x, axis=axis, keepdims=True)
    np.exp(x, out=x)
    x /= x.sum(axis=axis, keepdims=True)
    return x


def softmax_backward(dout, x, axis=-1):
    s = softmax(np.array(x), axis)
    return s * (dout - (dout * s).sum(axis=axis, keepdims=True))
