"""'full' pads k rows and columns on each side instead of k - 1 (one ring of zeros too many).

loses: test_convolve2d
says: expected shape
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% convolve2d
def convolve2d(x, k, mode="valid"):
    k = np.asarray(k, dtype=float)
    kh, kw = k.shape
    if mode == "valid":
        pads = (0, 0, 0, 0)
    elif mode == "full":
        pads = (kh, kh, kw, kw)
    else:
        pads = ((kh - 1) // 2, kh - 1 - (kh - 1) // 2, (kw - 1) // 2, kw - 1 - (kw - 1) // 2)
    return corr2d(pad2d(np.asarray(x, dtype=float), pads), k[::-1, ::-1])
