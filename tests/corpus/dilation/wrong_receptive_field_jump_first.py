"""Multiplies the jump by a layer's stride before adding that layer's own span.

loses: test_receptive_field
says: stride only widens the layers after it
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% receptive_field
def receptive_field(layers):
    r, jump = 1, 1
    for k, s, d in layers:
        jump *= s
        r += d * (k - 1) * jump
    return r
