"""Counts a last, partial window: the output size is rounded up, the missing pixels read as 0.

loses: test_conv2d
says: expected shape
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv2d
def conv2d(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    kh, kw = w.shape[2:]
    ho = -(-(x.shape[2] + 2 * padding - kh) // stride) + 1
    wo = -(-(x.shape[3] + 2 * padding - kw) // stride) + 1
    extra = stride  # room for the last window
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding + extra), (padding, padding + extra)))
    out = np.zeros((x.shape[0], w.shape[0], ho, wo))
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w)
    if b is not None:
        out += np.asarray(b)[None, :, None, None]
    return out
