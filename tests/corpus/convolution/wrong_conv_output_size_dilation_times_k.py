"""Takes the dilated kernel to span dilation * k pixels.

loses: test_conv_output_size
says: The dilated kernel spans
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv_output_size
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    return (n + 2 * padding - dilation * k) // stride + 1
