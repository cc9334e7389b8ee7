"""Counts the fan on the output side: sqrt(2 / (C_out * kh * kw)).

loses: test_kaiming_normal
says: fan_out
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% kaiming_normal
def kaiming_normal(shape, rng=None):
    rng = np.random.default_rng(rng)
    fan_out = shape[0] * int(np.prod(shape[2:]))
    return rng.standard_normal(shape) * np.sqrt(2.0 / fan_out)
