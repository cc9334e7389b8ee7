"""Differentiates through the normalisation but forgets that out = gamma * x_hat + beta.

loses: test_batch_norm2d_backward
says: wrong value
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% batch_norm2d_backward
def batch_norm2d_backward(dout, x, gamma, eps=1e-5):
    axes = (0, 2, 3)
    inv_std = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) * inv_std
    dx = inv_std * (
        dout
        - dout.mean(axis=axes, keepdims=True)
        - x_hat * (dout * x_hat).mean(axis=axes, keepdims=True)
    )
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)
