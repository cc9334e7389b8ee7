"""Adds each layer's dilated kernel span, forgetting that strides multiply the step of later layers.

loses: test_receptive_field
says: The strides are forgotten
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% receptive_field
def receptive_field(layers):
    r = 1
    for k, s, d in layers:
        r += d * (k - 1)
    return r
