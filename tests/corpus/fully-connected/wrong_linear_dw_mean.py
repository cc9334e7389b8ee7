"""Averages dw over the batch.

loses: test_linear
says: dw is averaged over the batch
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% linear
def flatten(x):
    x = np.asarray(x)
    return x.reshape(x.shape[0], -1)


def linear(x, w, b=None):
    out = np.asarray(x) @ np.asarray(w).T
    return out if b is None else out + b


def linear_backward(dout, x, w):
    dout, x = np.asarray(dout), np.asarray(x)
    return dout @ w, dout.T @ x / x.shape[0], dout.sum(axis=0)
