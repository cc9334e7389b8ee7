"""sliding_window_view for the forward; the backward scatters with np.add.at."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% pool_forward
from numpy.lib.stride_tricks import sliding_window_view


def _windows(x, k, s, p, fill):
    xp = np.pad(np.asarray(x, dtype=float), [(0, 0), (0, 0), (p, p), (p, p)], constant_values=fill)
    return sliding_window_view(xp, (k, k), axis=(2, 3))[:, :, ::s, ::s]


def max_pool2d(x, kernel_size, stride=None, padding=0):
    s = kernel_size if stride is None else stride
    return _windows(x, kernel_size, s, padding, -np.inf).max(axis=(-2, -1))


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    s = kernel_size if stride is None else stride
    return _windows(x, kernel_size, s, padding, 0.0).mean(axis=(-2, -1))


# %% pool_backward
def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k, s, p = kernel_size, kernel_size if stride is None else stride, padding
    win = _windows(x, k, s, p, -np.inf)  # (N, C, Ho, Wo, k, k)
    first = win.reshape(win.shape[:4] + (k * k,)).argmax(axis=-1)  # first maximum, row-major
    n, c, ho, wo = np.indices(first.shape)
    rows = ho * s + first // k
    cols = wo * s + first % k
    dxp = np.zeros(np.shape(x)[:2] + (np.shape(x)[2] + 2 * p, np.shape(x)[3] + 2 * p))
    np.add.at(dxp, (n, c, rows, cols), dout)
    return dxp[:, :, p : p + np.shape(x)[2], p : p + np.shape(x)[3]]


def avg_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k, s, p = kernel_size, kernel_size if stride is None else stride, padding
    h, w = np.shape(x)[2:]
    dxp = np.zeros(np.shape(x)[:2] + (h + 2 * p, w + 2 * p))
    ho, wo = np.shape(dout)[2:]
    for u in range(k):
        for v in range(k):
            dxp[:, :, u : u + s * ho : s, v : v + s * wo : s] += np.asarray(dout) / k**2
    return dxp[:, :, p : p + h, p : p + w]
