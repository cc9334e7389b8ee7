"""Takes ELU's derivative below 0 to be elu(x) itself (it is elu(x) + alpha = alpha * exp(x)).

loses: test_relu_family
says: alpha * exp(x)
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% relu_family


def relu(x):
    return np.maximum(x, 0)


def relu_backward(dout, x):
    return dout * (x > 0)


def leaky_relu(x, alpha=0.01):
    return np.where(x > 0, x, alpha * x)


def leaky_relu_backward(dout, x, alpha=0.01):
    return np.where(x > 0, dout, alpha * dout)


def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_backward(dout, x, alpha=1.0):
    return np.where(x > 0, dout, dout * elu(x, alpha))
