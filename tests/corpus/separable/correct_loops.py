"""Loops over every output value; each output channel finds its group's input channels."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv2d
def conv2d(x, w, b=None, stride=1, padding=0, groups=1):
    n_batch, c_in, h, width = np.shape(x)
    c_out, cg, kh, kw = np.shape(w)
    ho = (h + 2 * padding - kh) // stride + 1
    wo = (width + 2 * padding - kw) // stride + 1
    out = np.zeros((n_batch, c_out, ho, wo))
    per_group = c_out // groups
    for o in range(c_out):
        first = (o // per_group) * cg  # the group's first input channel
        for i in range(ho):
            for j in range(wo):
                value = np.zeros(n_batch)
                for c in range(cg):
                    for a in range(kh):
                        for q in range(kw):
                            r, s = i * stride + a - padding, j * stride + q - padding
                            if 0 <= r < h and 0 <= s < width:
                                value += x[:, first + c, r, s] * w[o, c, a, q]
                out[:, o, i, j] = value + (0.0 if b is None else b[o])
    return out


# %% separable
def depthwise_conv2d(x, w, b=None, stride=1, padding=0):
    return conv2d(x, w, b, stride, padding, groups=len(x[0]))


def pointwise_conv2d(x, w, b=None):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    out = np.zeros((x.shape[0], w.shape[0]) + x.shape[2:])
    for o in range(w.shape[0]):
        for c in range(x.shape[1]):
            out[:, o] += w[o, c, 0, 0] * x[:, c]
        if b is not None:
            out[:, o] += b[o]
    return out


def separable_conv2d(
    x, w_depthwise, w_pointwise, b_depthwise=None, b_pointwise=None, stride=1, padding=0
):
    filtered = depthwise_conv2d(x, w_depthwise, b_depthwise, stride=stride, padding=padding)
    return pointwise_conv2d(filtered, w_pointwise, b_pointwise)
