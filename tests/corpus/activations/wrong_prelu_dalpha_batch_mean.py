"""Averages dalpha over the batch instead of summing it (each example used the same alpha).

loses: test_prelu
says: dalpha is averaged over the batch
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% prelu


def prelu(x, alpha):
    a = np.asarray(alpha).reshape((1, -1) + (1,) * (np.ndim(x) - 2))
    return np.where(x > 0, x, a * x)


def prelu_backward(dout, x, alpha):
    a = np.asarray(alpha).reshape((1, -1) + (1,) * (np.ndim(x) - 2))
    dx = np.where(x > 0, dout, a * dout)
    per_example = np.where(x > 0, 0.0, dout * x).mean(axis=0)
    return dx, per_example.reshape(per_example.shape[0], -1).sum(axis=1)
