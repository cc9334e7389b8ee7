"""Groups as an axis: reshape channels to (groups, per group) and one einsum."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% conv2d
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(x, w, b=None, stride=1, padding=0, groups=1):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    n, c_in = x.shape[:2]
    c_out, cg, kh, kw = w.shape
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    win = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    win = win.reshape(n, groups, cg, *win.shape[2:])  # (n, g, c, i, j, a, b)
    wg = w.reshape(groups, c_out // groups, cg, kh, kw)  # (g, o, c, a, b)
    out = np.einsum("ngcijab,gocab->ngoij", win, wg).reshape(n, c_out, *win.shape[3:5])
    return out if b is None else out + np.asarray(b, dtype=float)[:, None, None]


# %% separable
def depthwise_conv2d(x, w, b=None, stride=1, padding=0):
    return conv2d(x, w, b, stride=stride, padding=padding, groups=np.shape(x)[1])


def pointwise_conv2d(x, w, b=None):
    out = np.einsum(
        "nchw,oc->nohw", np.asarray(x, dtype=float), np.asarray(w, dtype=float)[:, :, 0, 0]
    )
    return out if b is None else out + np.asarray(b, dtype=float)[:, None, None]


def separable_conv2d(
    x, w_depthwise, w_pointwise, b_depthwise=None, b_pointwise=None, stride=1, padding=0
):
    return pointwise_conv2d(
        depthwise_conv2d(x, w_depthwise, b_depthwise, stride, padding), w_pointwise, b_pointwise
    )
