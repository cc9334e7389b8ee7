"""im2col: as_strided columns of every window, one reduction; col2im for the gradients."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% pool_forward
from numpy.lib.stride_tricks import as_strided


def _cols(x, k, s, p, fill):
    xp = np.ascontiguousarray(
        np.pad(np.asarray(x, dtype=float), [(0, 0), (0, 0), (p, p), (p, p)], constant_values=fill)
    )
    n, c, hp, wp = xp.shape
    ho, wo = (hp - k) // s + 1, (wp - k) // s + 1
    sn, sc, sh, sw = xp.strides
    cols = as_strided(xp, (n, c, ho, wo, k, k), (sn, sc, sh * s, sw * s, sh, sw))
    return cols.reshape(n, c, ho, wo, k * k)


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return _cols(x, kernel_size, stride or kernel_size, padding, -np.inf).max(axis=-1)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return _cols(x, kernel_size, stride or kernel_size, padding, 0.0).mean(axis=-1)


# %% pool_backward
def _col2im(dcols, shape, k, s, p):
    n, c, h, w = shape
    dxp = np.zeros((n, c, h + 2 * p, w + 2 * p))
    ho, wo = dcols.shape[2:4]
    for i in range(ho):
        for j in range(wo):
            dxp[:, :, i * s : i * s + k, j * s : j * s + k] += dcols[:, :, i, j].reshape(n, c, k, k)
    return dxp[:, :, p : p + h, p : p + w]


def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k, s = kernel_size, stride or kernel_size
    cols = _cols(x, k, s, padding, -np.inf)
    onehot = np.arange(k * k) == cols.argmax(axis=-1)[..., None]
    return _col2im(onehot * np.asarray(dout)[..., None], np.shape(x), k, s, padding)


def avg_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k, s = kernel_size, stride or kernel_size
    dcols = np.repeat(np.asarray(dout, dtype=float)[..., None] / (k * k), k * k, axis=-1)
    return _col2im(dcols, np.shape(x), k, s, padding)
