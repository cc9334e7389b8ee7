"""Applies s * (1 - s) to x itself instead of s = sigmoid(x).

loses: test_sigmoid_tanh
says: sigmoid_backward uses x instead of s
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% sigmoid_tanh


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_backward(dout, x):
    return dout * x * (1 - x)


def tanh_backward(dout, x):
    return dout * (1 - np.tanh(x) ** 2)
