"""Downsamples in the second convolution instead of the first.

loses: test_residual_block
says: first 3 x 3 convolution
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% residual_block
def residual_block(x, w1, w2, w_shortcut=None, stride=1):
    main = conv2d(relu(conv2d(x, w1, padding=1)), w2, stride=stride, padding=1)
    short = x if w_shortcut is None else conv2d(x, w_shortcut, stride=stride)
    return relu(main + short)
