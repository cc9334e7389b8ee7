"""Assumes one filter per input channel: with a channel multiplier, the extra filters are ignored.

loses: test_separable
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% separable
def depthwise_conv2d(x, w, b=None, stride=1, padding=0):
    c = np.shape(x)[1]
    m = np.shape(w)[0] // c
    first = np.asarray(w)[::m]
    out = conv2d(x, first, None if b is None else np.asarray(b)[::m], stride, padding, groups=c)
    return np.repeat(out, m, axis=1)


def pointwise_conv2d(x, w, b=None):
    return conv2d(x, w, b)


def separable_conv2d(
    x, w_depthwise, w_pointwise, b_depthwise=None, b_pointwise=None, stride=1, padding=0
):
    return pointwise_conv2d(
        depthwise_conv2d(x, w_depthwise, b_depthwise, stride, padding), w_pointwise, b_pointwise
    )
