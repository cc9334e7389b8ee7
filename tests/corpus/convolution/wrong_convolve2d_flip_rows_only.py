"""Flips the kernel along one axis only (k[::-1]): upside down, but not left to right.

loses: test_convolve2d
says: flipped along one axis only
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% convolve2d
def convolve2d(x, k, mode="valid"):
    k = np.asarray(k, dtype=float)
    kh, kw = k.shape
    if mode == "valid":
        pads = (0, 0, 0, 0)
    elif mode == "full":
        pads = (kh - 1, kh - 1, kw - 1, kw - 1)
    else:
        pads = ((kh - 1) // 2, kh - 1 - (kh - 1) // 2, (kw - 1) // 2, kw - 1 - (kw - 1) // 2)
    return corr2d(pad2d(np.asarray(x, dtype=float), pads), k[::-1])
