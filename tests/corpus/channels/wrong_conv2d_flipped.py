"""Flips every kernel, as the textbook definition of convolution says.

loses: test_conv2d
says: The kernel is flipped
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv2d
def conv2d(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)[:, :, ::-1, ::-1]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    kh, kw = w.shape[2:]
    ho = (xp.shape[2] - kh) // stride + 1
    wo = (xp.shape[3] - kw) // stride + 1
    out = np.zeros((x.shape[0], w.shape[0], ho, wo))
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w)
    if b is not None:
        out += np.asarray(b)[None, :, None, None]
    return out
