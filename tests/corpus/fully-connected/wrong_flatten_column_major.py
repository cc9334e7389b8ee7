"""Flattens in column-major order (order="F"), as MATLAB does.

loses: test_linear
says: row-major
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% linear
def flatten(x):
    x = np.asarray(x)
    return x.reshape(x.shape[0], -1, order="F")


def linear(x, w, b=None):
    out = np.asarray(x) @ np.asarray(w).T
    return out if b is None else out + b


def linear_backward(dout, x, w):
    dout = np.asarray(dout)
    return dout @ w, dout.T @ x, dout.sum(axis=0)
