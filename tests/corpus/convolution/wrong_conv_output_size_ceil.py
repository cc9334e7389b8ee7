"""Rounds the number of steps up (ceil), as if a last partial window still counted.

loses: test_conv_output_size
says: rounded up (ceil)
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% conv_output_size
import math


def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    return math.ceil((n + 2 * padding - dilation * (k - 1) - 1) / stride) + 1
