"""Adds the padding once, as if it went on one side only.

loses: test_conv_output_size
says: The padding is counted once
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv_output_size
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    return (n + padding - dilation * (k - 1) - 1) // stride + 1
