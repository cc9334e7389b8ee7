"""Uses only the diagonal of the softmax Jacobian: dout * s * (1 - s).

loses: test_softmax
says: diagonal of the Jacobian
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% softmax


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_backward(dout, x, axis=-1):
    s = softmax(x, axis)
    return dout * s * (1 - s)
