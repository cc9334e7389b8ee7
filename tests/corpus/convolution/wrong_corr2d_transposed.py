"""Indexes the kernel as k[column, row]: x[i + a, j + b] is multiplied by k[b, a].

loses: test_corr2d
says: The kernel is transposed
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% corr2d
def corr2d(x, k):
    x, k = np.asarray(x, dtype=float), np.asarray(k, dtype=float)
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kw + 1, x.shape[1] - kh + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for a in range(kw):
                for b in range(kh):
                    out[i, j] += x[i + a, j + b] * k[b, a]
    return out
