"""Forgets the depthwise bias: only the pointwise step gets one.

loses: test_separable
says: depthwise bias
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
    return pointwise_conv2d(
        depthwise_conv2d(x, w_depthwise, None, stride, padding), w_pointwise, b_pointwise
    )
