"""Strided views and einsum: sliding_window_view for im2col, np.add.at for col2im, the long
chain rule (dvar, dmean) for batch norm's backward.
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% kaiming_normal
def kaiming_normal(shape, rng=None):
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    fan_in = 1
    for size in shape[1:]:
        fan_in *= size
    return generator.normal(0.0, (2.0 / fan_in) ** 0.5, size=shape)


# %% batch_norm2d_backward
def batch_norm2d_backward(dout, x, gamma, eps=1e-5):
    n, c, h, w = x.shape
    m = n * h * w
    g = gamma.reshape(1, c, 1, 1)
    mu = np.einsum("nchw->c", x).reshape(1, c, 1, 1) / m
    xc = x - mu
    var = np.einsum("nchw,nchw->c", xc, xc).reshape(1, c, 1, 1) / m
    std = np.sqrt(var + eps)
    dx_hat = dout * g
    dvar = np.sum(dx_hat * xc, axis=(0, 2, 3), keepdims=True) * -0.5 * std**-3
    dmu = -np.sum(dx_hat, axis=(0, 2, 3), keepdims=True) / std - 2 * dvar * np.mean(
        xc, axis=(0, 2, 3), keepdims=True
    )
    dx = dx_hat / std + dvar * 2 * xc / m + dmu / m
    return dx, np.einsum("nchw,nchw->c", dout, xc / std), np.einsum("nchw->c", dout)


# %% im2col
from numpy.lib.stride_tricks import sliding_window_view


def im2col(x, kh, kw, stride=1, padding=0):
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    n, c, ho, wo = windows.shape[:4]
    return np.ascontiguousarray(windows.transpose(1, 4, 5, 0, 2, 3)).reshape(
        c * kh * kw, n * ho * wo
    )


def col2im(cols, x_shape, kh, kw, stride=1, padding=0):
    n, c, h, w = x_shape
    ho, wo = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    ch, i, j, b, oh, ow = np.indices((c, kh, kw, n, ho, wo)).reshape(6, -1)
    xp = np.zeros((n, c, h + 2 * padding, w + 2 * padding), dtype=cols.dtype)
    np.add.at(xp, (b, ch, oh * stride + i, ow * stride + j), cols.reshape(-1))
    return xp[:, :, padding : padding + h, padding : padding + w]


# %% conv2d_im2col
def conv2d_im2col(x, w, b=None, stride=1, padding=0):
    c_out, c_in, kh, kw = w.shape
    n, _, h, width = x.shape
    ho, wo = (h + 2 * padding - kh) // stride + 1, (width + 2 * padding - kw) // stride + 1
    cols = im2col(x, kh, kw, stride, padding).reshape(c_in * kh * kw, n, ho, wo)
    out = np.einsum("ok,knij->noij", w.reshape(c_out, -1), cols)
    if b is not None:
        out = out + b.reshape(1, c_out, 1, 1)
    return out


def conv2d_im2col_backward(dout, x, w, stride=1, padding=0):
    c_out, c_in, kh, kw = w.shape
    cols = im2col(x, kh, kw, stride, padding).reshape(
        c_in * kh * kw, *dout.shape[:1], *dout.shape[2:]
    )
    dw = np.einsum("noij,knij->ok", dout, cols).reshape(w.shape)
    dcols = np.einsum("ok,noij->knij", w.reshape(c_out, -1), dout).reshape(c_in * kh * kw, -1)
    return col2im(dcols, x.shape, kh, kw, stride, padding), dw, np.einsum("noij->o", dout)
