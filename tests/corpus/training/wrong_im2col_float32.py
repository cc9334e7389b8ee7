"""Builds the columns in float32 to save memory: a float64 image loses half its digits.

loses: test_im2col
says: the result has dtype float32
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% im2col
def im2col(x, kh, kw, stride=1, padding=0):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho, wo = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    cols = np.empty((c, kh, kw, n, ho, wo), dtype=np.float32)
    for i in range(kh):
        for j in range(kw):
            cols[:, i, j] = xp[
                :, :, i : i + stride * ho : stride, j : j + stride * wo : stride
            ].transpose(1, 0, 2, 3)
    return cols.reshape(c * kh * kw, n * ho * wo)


def col2im(cols, x_shape, kh, kw, stride=1, padding=0):
    n, c, h, w = x_shape
    ho, wo = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    cols = cols.reshape(c, kh, kw, n, ho, wo)
    xp = np.zeros((n, c, h + 2 * padding, w + 2 * padding), dtype=np.float32)
    for i in range(kh):
        for j in range(kw):
            xp[:, :, i : i + stride * ho : stride, j : j + stride * wo : stride] += cols[
                :, i, j
            ].transpose(1, 0, 2, 3)
    return xp[:, :, padding : padding + h, padding : padding + w]
