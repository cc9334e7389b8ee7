"""The output of a valid correlation has H - kh rows and W - kw columns (one short).

loses: test_corr2d
says: expected shape
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% corr2d
def corr2d(x, k):
    x, k = np.asarray(x, dtype=float), np.asarray(k, dtype=float)
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh, x.shape[1] - kw))
    for i in range(x.shape[0] - kh):
        for j in range(x.shape[1] - kw):
            out[i, j] = (x[i : i + kh, j : j + kw] * k).sum()
    return out
