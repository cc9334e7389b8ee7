"""Loops over every window and every cell; the arg-max found by a strict > scan (first wins)."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% pool_forward
def _pool(x, k, s, p, reduce_window):
    n, c, h, w = np.shape(x)
    ho, wo = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    out = np.zeros((n, c, ho, wo))
    for a in range(n):
        for b in range(c):
            for i in range(ho):
                for j in range(wo):
                    cells = []
                    for u in range(k):
                        for v in range(k):
                            r, q = i * s + u - p, j * s + v - p
                            cells.append(x[a, b, r, q] if 0 <= r < h and 0 <= q < w else None)
                    out[a, b, i, j] = reduce_window(cells, k)
    return out


def max_pool2d(x, kernel_size, stride=None, padding=0):
    s = kernel_size if stride is None else stride
    return _pool(
        x, kernel_size, s, padding, lambda cells, k: max(v for v in cells if v is not None)
    )


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    s = kernel_size if stride is None else stride
    return _pool(
        x,
        kernel_size,
        s,
        padding,
        lambda cells, k: sum(v for v in cells if v is not None) / (k * k),
    )


# %% pool_backward
def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k, s, p = kernel_size, kernel_size if stride is None else stride, padding
    n, c, h, w = np.shape(x)
    dx = np.zeros((n, c, h, w))
    for a in range(n):
        for b in range(c):
            for i in range(np.shape(dout)[2]):
                for j in range(np.shape(dout)[3]):
                    best, where = None, None
                    for u in range(k):
                        for v in range(k):
                            r, q = i * s + u - p, j * s + v - p
                            if 0 <= r < h and 0 <= q < w and (best is None or x[a, b, r, q] > best):
                                best, where = x[a, b, r, q], (r, q)
                    dx[a, b, where[0], where[1]] += dout[a, b, i, j]
    return dx


def avg_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k, s, p = kernel_size, kernel_size if stride is None else stride, padding
    n, c, h, w = np.shape(x)
    dx = np.zeros((n, c, h, w))
    for i in range(np.shape(dout)[2]):
        for j in range(np.shape(dout)[3]):
            for u in range(k):
                for v in range(k):
                    r, q = i * s + u - p, j * s + v - p
                    if 0 <= r < h and 0 <= q < w:
                        dx[:, :, r, q] += dout[:, :, i, j] / (k * k)
    return dx
