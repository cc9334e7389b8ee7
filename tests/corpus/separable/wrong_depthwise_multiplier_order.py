"""With a channel multiplier M, numbers the outputs m * C + c instead of c * M + m.

loses: test_separable
says: channel c's M filters are outputs
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% separable
def depthwise_conv2d(x, w, b=None, stride=1, padding=0):
    c = np.shape(x)[1]
    m = np.shape(w)[0] // c
    order = [mm * c + cc for cc in range(c) for mm in range(m)]  # filter of (cc, mm)
    out = conv2d(
        x,
        np.asarray(w)[order],
        None if b is None else np.asarray(b)[order],
        stride,
        padding,
        groups=c,
    )
    back = np.argsort(order)
    return out[:, back]


def pointwise_conv2d(x, w, b=None):
    return conv2d(x, w, b)


def separable_conv2d(
    x, w_depthwise, w_pointwise, b_depthwise=None, b_pointwise=None, stride=1, padding=0
):
    return pointwise_conv2d(
        depthwise_conv2d(x, w_depthwise, b_depthwise, stride, padding), w_pointwise, b_pointwise
    )
