"""im2col: as_strided makes the columns, one matrix product per batch."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% conv2d
from numpy.lib.stride_tricks import as_strided


def conv2d(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    xp = np.ascontiguousarray(np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)]))
    n, c, hp, wp = xp.shape
    c_out, _, kh, kw = w.shape
    ho, wo = (hp - kh) // stride + 1, (wp - kw) // stride + 1
    sn, sc, sh, sw = xp.strides
    cols = as_strided(
        xp,
        shape=(n, ho, wo, c, kh, kw),
        strides=(sn, sh * stride, sw * stride, sc, sh, sw),
    ).reshape(n, ho * wo, c * kh * kw)
    out = (cols @ w.reshape(c_out, -1).T).transpose(0, 2, 1).reshape(n, c_out, ho, wo)
    if b is not None:
        out = out + np.asarray(b, dtype=float)[:, None, None]
    return out


# %% conv1x1
def conv1x1(x, w, b=None):
    x = np.asarray(x, dtype=float)
    n, c, h, width = x.shape
    rows = x.transpose(0, 2, 3, 1).reshape(-1, c)  # one row per pixel
    out = rows @ np.asarray(w, dtype=float).T
    if b is not None:
        out = out + b
    return out.reshape(n, h, width, -1).transpose(0, 3, 1, 2)


# %% conv2d_cost
def conv2d_cost(c_in, c_out, kernel_size, output_size, groups=1, bias=True):
    kh, kw = (kernel_size,) * 2 if np.isscalar(kernel_size) else tuple(kernel_size)
    oh, ow = (output_size,) * 2 if np.isscalar(output_size) else tuple(output_size)
    weight_count = (c_in // groups) * kh * kw * c_out
    return weight_count + (c_out if bias else 0), oh * ow * weight_count
