"""Writes sigmoid as exp(x) / (1 + exp(x)): inf / inf = NaN for large x.

loses: test_sigmoid_tanh
says: exp(1000) overflows
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% sigmoid_tanh


def sigmoid(x):
    e = np.exp(x)
    return e / (1 + e)


def sigmoid_backward(dout, x):
    s = sigmoid(x)
    return dout * s * (1 - s)


def tanh_backward(dout, x):
    return dout * (1 - np.tanh(x) ** 2)
