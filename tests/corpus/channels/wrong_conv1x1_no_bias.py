"""Writes the matrix product with einsum and forgets the bias.

loses: test_conv1x1
says: The bias is missing
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv1x1
def conv1x1(x, w, b=None):
    return np.einsum("oc,nchw->nohw", np.asarray(w, dtype=float), np.asarray(x, dtype=float))
