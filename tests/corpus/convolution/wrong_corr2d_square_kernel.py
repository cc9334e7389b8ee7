"""Assumes a square kernel: reads its size from k.shape[0] for both axes.

loses: test_corr2d
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% corr2d
def corr2d(x, k):
    x, k = np.asarray(x, dtype=float), np.asarray(k, dtype=float)
    size = k.shape[0]
    out = np.zeros((x.shape[0] - size + 1, x.shape[1] - size + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + size, j : j + size] * k[:size, :size])
    return out
