"""Divides by the number of rows (the batch size) instead of the number of elements.

loses: test_mse_loss
says: the number of rows
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% mse_loss
def mse_loss(pred, target):
    diff = np.asarray(pred, dtype=float) - np.asarray(target, dtype=float)
    return float((diff**2).sum() / len(diff)), 2 * diff / len(diff)
