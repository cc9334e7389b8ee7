"""Works in float32 "to save memory": a float64 image comes back as float32.

loses: test_corr2d
says: dtype float32, expected float64
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% corr2d
def corr2d(x, k):
    x, k = np.asarray(x, dtype=np.float32), np.asarray(k, dtype=np.float32)
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1), dtype=np.float32)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kw] * k)
    return out
