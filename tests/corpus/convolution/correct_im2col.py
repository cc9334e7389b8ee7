"""im2col: as_strided gathers every window into a row, one matrix product does the rest."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% corr2d
from numpy.lib.stride_tricks import as_strided


def corr2d(x, k):
    x = np.ascontiguousarray(x, dtype=float)
    k = np.asarray(k, dtype=float)
    kh, kw = k.shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    s0, s1 = x.strides
    cols = as_strided(x, shape=(oh, ow, kh, kw), strides=(s0, s1, s0, s1))
    return (cols.reshape(oh * ow, kh * kw) @ k.reshape(-1)).reshape(oh, ow)


# %% pad2d
def pad2d(x, padding):
    x = np.asarray(x)
    if np.ndim(padding) == 0:
        padding = (padding,) * 4
    elif len(padding) == 2:
        padding = (padding[0], padding[0], padding[1], padding[1])
    top, bottom, left, right = (int(p) for p in padding)
    lead = x.shape[:-2]
    h, w = x.shape[-2:]
    rows = [np.zeros(lead + (top, w), x.dtype), x, np.zeros(lead + (bottom, w), x.dtype)]
    tall = np.concatenate(rows, axis=-2)
    hh = tall.shape[-2]
    cols = [np.zeros(lead + (hh, left), x.dtype), tall, np.zeros(lead + (hh, right), x.dtype)]
    return np.concatenate(cols, axis=-1)


# %% convolve2d
def convolve2d(x, k, mode="valid"):
    k = np.asarray(k, dtype=float)[::-1, ::-1]
    kh, kw = k.shape
    full = corr2d(pad2d(np.asarray(x, dtype=float), (kh - 1, kw - 1)), k)
    h, w = np.shape(x)
    if mode == "full":
        return full
    if mode == "valid":
        return full[kh - 1 : h, kw - 1 : w]
    top, left = kh // 2, kw // 2  # the same window of the full result, extra row/column below
    return full[top : top + h, left : left + w]
