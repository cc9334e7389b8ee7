"""Reads the dilation as the number of holes between taps: taps dilation + 1 apart.

loses: test_conv2d_dilation
says: dilation + 1 apart
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv2d
def conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    kh, kw = w.shape[2:]
    ho = (xp.shape[2] - (dilation + 1) * (kh - 1) - 1) // stride + 1
    wo = (xp.shape[3] - (dilation + 1) * (kw - 1) - 1) // stride + 1
    out = np.zeros((x.shape[0], w.shape[0], ho, wo))
    for i in range(ho):
        for j in range(wo):
            window = xp[
                :,
                :,
                i * stride : i * stride + (dilation + 1) * (kh - 1) + 1 : dilation + 1,
                j * stride : j * stride + (dilation + 1) * (kw - 1) + 1 : dilation + 1,
            ]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", window, w)
    if b is not None:
        out += np.asarray(b)[None, :, None, None]
    return out
