"""Passes the stride and padding to both steps, so the pointwise step strides and pads again.

loses: test_separable
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% separable
def depthwise_conv2d(x, w, b=None, stride=1, padding=0):
    return conv2d(x, w, b, stride, padding, groups=np.shape(x)[1])


def pointwise_conv2d(x, w, b=None, stride=1, padding=0):
    return conv2d(x, w, b, stride, padding)


def separable_conv2d(
    x, w_depthwise, w_pointwise, b_depthwise=None, b_pointwise=None, stride=1, padding=0
):
    h = depthwise_conv2d(x, w_depthwise, b_depthwise, stride, padding)
    return pointwise_conv2d(h, w_pointwise, b_pointwise, stride, padding)
