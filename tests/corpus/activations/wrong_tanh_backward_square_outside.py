"""Squares the wrong thing: (1 - tanh(x))^2 instead of 1 - tanh(x)^2.

loses: test_sigmoid_tanh
says: 1 - tanh(x)^2
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% sigmoid_tanh


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_backward(dout, x):
    s = sigmoid(x)
    return dout * s * (1 - s)


def tanh_backward(dout, x):
    return dout * (1 - np.tanh(x)) ** 2
