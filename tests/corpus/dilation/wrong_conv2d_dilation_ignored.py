"""Ignores the dilation: the kernel's taps stay next to each other.

loses: test_conv2d_dilation
says: The dilation is ignored
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv2d
def conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    kh, kw = w.shape[2:]
    ho = (xp.shape[2] - kh) // stride + 1
    wo = (xp.shape[3] - kw) // stride + 1
    out = np.zeros((x.shape[0], w.shape[0], ho, wo))
    for i in range(ho):
        for j in range(wo):
            window = xp[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", window, w)
    if b is not None:
        out += np.asarray(b)[None, :, None, None]
    return out
