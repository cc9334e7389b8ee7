"""Forgets the 2 of d/dp (p - t)^2.

loses: test_mse_loss
says: factor 2
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% mse_loss
def mse_loss(pred, target):
    diff = np.asarray(pred, dtype=float) - np.asarray(target, dtype=float)
    return float((diff**2).mean()), diff / diff.size
