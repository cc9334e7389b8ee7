"""Reads p as the probability of keeping a value.

loses: test_dropout
says: wrong value
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% dropout
def dropout(x, p, training=True, rng=None):
    if not training:
        return x.copy(), np.ones_like(x)
    rng = np.random.default_rng(rng)
    mask = (rng.random(x.shape) < p).astype(x.dtype)
    return x * mask / p, mask


def dropout_backward(dout, mask, p):
    return dout * mask / p
