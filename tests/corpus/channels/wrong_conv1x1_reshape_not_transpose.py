"""Contracts the channels with tensordot, then reshapes (N, H, W, C_out) to NCHW without moving the axis.

loses: test_conv1x1
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv1x1
def conv1x1(x, w, b=None):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    n, _, h, width = x.shape
    out = np.tensordot(x, w, axes=([1], [1]))  # (N, H, W, C_out)
    if b is not None:
        out = out + b
    return out.reshape(n, w.shape[0], h, width)
