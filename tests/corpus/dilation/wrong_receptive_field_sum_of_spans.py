"""Adds up the layers' effective kernel sizes, as if consecutive windows did not overlap.

loses: test_receptive_field
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% receptive_field
def receptive_field(layers):
    total = 0
    jump = 1
    for k, s, d in layers:
        total += (d * (k - 1) + 1) * jump
        jump *= s
    return total
