"""Computes a true convolution (np.flip of the kernel) where the cross-correlation is asked.

loses: test_corr2d
says: The kernel is flipped
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% corr2d
def corr2d(x, k):
    k = np.flip(np.asarray(k, dtype=float))
    kh, kw = k.shape
    h, w = np.shape(x)
    return np.array(
        [
            [np.sum(x[i : i + kh, j : j + kw] * k) for j in range(w - kw + 1)]
            for i in range(h - kh + 1)
        ]
    )
