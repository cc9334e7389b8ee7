"""np.split into groups, an im2col convolution (as_strided) per group, np.concatenate."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% conv2d
from numpy.lib.stride_tricks import as_strided


def _conv_one_group(xp, w, stride):
    n, c, hp, wp = xp.shape
    c_out, _, kh, kw = w.shape
    ho, wo = (hp - kh) // stride + 1, (wp - kw) // stride + 1
    sn, sc, sh, sw = xp.strides
    cols = as_strided(xp, (n, ho, wo, c, kh, kw), (sn, sh * stride, sw * stride, sc, sh, sw))
    return (
        (cols.reshape(n, ho * wo, -1) @ w.reshape(c_out, -1).T)
        .transpose(0, 2, 1)
        .reshape(n, c_out, ho, wo)
    )


def conv2d(x, w, b=None, stride=1, padding=0, groups=1):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    parts = [
        _conv_one_group(np.ascontiguousarray(xg), wg, stride)
        for xg, wg in zip(np.split(xp, groups, axis=1), np.split(w, groups, axis=0))
    ]
    out = np.concatenate(parts, axis=1)
    return out if b is None else out + np.asarray(b, dtype=float).reshape(1, -1, 1, 1)


# %% separable
def depthwise_conv2d(x, w, b=None, stride=1, padding=0):
    return conv2d(x, w, b, stride, padding, groups=np.shape(x)[1])


def pointwise_conv2d(x, w, b=None):
    x = np.asarray(x, dtype=float)
    n, c, h, width = x.shape
    out = (np.asarray(w, dtype=float).reshape(len(w), c) @ x.reshape(n, c, h * width)).reshape(
        n, -1, h, width
    )
    return out if b is None else out + np.asarray(b, dtype=float)[:, None, None]


def separable_conv2d(
    x, w_depthwise, w_pointwise, b_depthwise=None, b_pointwise=None, stride=1, padding=0
):
    return pointwise_conv2d(
        depthwise_conv2d(x, w_depthwise, b_depthwise, stride, padding), w_pointwise, b_pointwise
    )
