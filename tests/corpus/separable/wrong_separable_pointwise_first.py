"""Mixes the channels first (pointwise), then filters each mixed channel (depthwise).

loses: test_separable
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% separable
def depthwise_conv2d(x, w, b=None, stride=1, padding=0):
    return conv2d(x, w, b, stride, padding, groups=np.shape(x)[1])


def pointwise_conv2d(x, w, b=None):
    return conv2d(x, w, b)


def separable_conv2d(
    x, w_depthwise, w_pointwise, b_depthwise=None, b_pointwise=None, stride=1, padding=0
):
    c = np.shape(x)[1]
    m = np.shape(w_depthwise)[0] // c
    mixed = pointwise_conv2d(
        x, np.repeat(w_pointwise[:, ::m], 1, axis=0)[:c] if len(w_pointwise) >= c else w_pointwise
    )
    return depthwise_conv2d(mixed, w_depthwise, b_depthwise, stride, padding)[:, : len(w_pointwise)]
