"""Multiplies by a float mask (x > 0).astype(float): a float32 input comes back as float64.

loses: test_relu_family
says: the result has dtype float64, expected float32
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% relu_family


def relu(x):
    return x * (x > 0).astype(float)


def relu_backward(dout, x):
    return dout * (x > 0).astype(float)


def leaky_relu(x, alpha=0.01):
    return np.where(x > 0, x, alpha * x)


def leaky_relu_backward(dout, x, alpha=0.01):
    return np.where(x > 0, dout, alpha * dout)


def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_backward(dout, x, alpha=1.0):
    return np.where(x > 0, dout, dout * alpha * np.exp(np.minimum(x, 0)))
