"""Forgets the dilation: each layer widens the field by (k - 1) steps, whatever its dilation.

loses: test_receptive_field
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% receptive_field
def receptive_field(layers):
    r, jump = 1, 1
    for k, s, _d in layers:
        r += (k - 1) * jump
        jump *= s
    return r
