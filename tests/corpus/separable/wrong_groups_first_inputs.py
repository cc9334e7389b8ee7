"""Gives every group the first C_in / groups input channels.

loses: test_conv2d_groups
says: first group
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv2d
def conv2d(x, w, b=None, stride=1, padding=0, groups=1):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    c_in, c_out = x.shape[1], w.shape[0]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    kh, kw = w.shape[2:]
    ho = (xp.shape[2] - kh) // stride + 1
    wo = (xp.shape[3] - kw) // stride + 1
    out = np.zeros((x.shape[0], c_out, ho, wo))
    cg, kg = c_in // groups, c_out // groups
    for g in range(groups):
        xg, outs = xp[:, :cg], slice(g * kg, (g + 1) * kg)
        for i in range(ho):
            for j in range(wo):
                window = xg[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
                out[:, outs, i, j] = np.einsum("nchw,ochw->no", window, w[outs])
    if b is not None:
        out += np.asarray(b)[None, :, None, None]
    return out
