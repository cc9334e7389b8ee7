"""Loops over every tap; the receptive field by following one unit's input interval down the stack."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv2d
def conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    n_batch, c_in, h, width = np.shape(x)
    c_out, _, kh, kw = np.shape(w)
    ho = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    wo = (width + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    out = np.zeros((n_batch, c_out, ho, wo))
    for o in range(c_out):
        for i in range(ho):
            for j in range(wo):
                for a in range(kh):
                    for q in range(kw):
                        r = i * stride + a * dilation - padding
                        s = j * stride + q * dilation - padding
                        if 0 <= r < h and 0 <= s < width:
                            out[:, o, i, j] += x[:, :, r, s] @ w[o, :, a, q]
        if b is not None:
            out[:, o] += b[o]
    return out


# %% receptive_field
def receptive_field(layers):
    # the interval [lo, hi] of positions one top unit sees, walked from the top layer down
    lo, hi = 0, 0
    for k, s, d in reversed([tuple(layer) + (1,) * (3 - len(layer)) for layer in layers]):
        lo, hi = lo * s, hi * s + d * (k - 1)
    return hi - lo + 1
