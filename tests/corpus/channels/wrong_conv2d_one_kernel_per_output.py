"""Uses one kernel, w[o, 0], for every input channel of output o (one kernel shared by all maps).

loses: test_conv2d
says: kernel shared by every input channel
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv2d
def conv2d(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    kh, kw = w.shape[2:]
    ho = (xp.shape[2] - kh) // stride + 1
    wo = (xp.shape[3] - kw) // stride + 1
    out = np.zeros((x.shape[0], w.shape[0], ho, wo))
    for o in range(w.shape[0]):
        for i in range(ho):
            for j in range(wo):
                patch = xp[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
                out[:, o, i, j] = (patch * w[o, 0]).sum(axis=(1, 2, 3))
    if b is not None:
        out += np.asarray(b)[None, :, None, None]
    return out
