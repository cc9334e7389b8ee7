"""Routes the gradient with the mask x == max: every cell tied for the maximum gets it.

loses: test_pool_backward
says: every cell that ties for the maximum
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% pool_backward
def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k, s = kernel_size, kernel_size if stride is None else stride
    x = np.asarray(x, dtype=float)
    xp = np.pad(
        x, ((0, 0), (0, 0), (padding, padding), (padding, padding)), constant_values=-np.inf
    )
    dxp = np.zeros(xp.shape)
    for i in range(np.shape(dout)[2]):
        for j in range(np.shape(dout)[3]):
            win = xp[:, :, i * s : i * s + k, j * s : j * s + k]
            mask = win == win.max(axis=(2, 3), keepdims=True)
            dxp[:, :, i * s : i * s + k, j * s : j * s + k] += (
                mask * dout[:, :, i : i + 1, j : j + 1]
            )
    return dxp[:, :, padding : padding + x.shape[2], padding : padding + x.shape[3]]


def avg_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k, s = kernel_size, kernel_size if stride is None else stride
    h, w = np.shape(x)[2], np.shape(x)[3]
    dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))
    for i in range(np.shape(dout)[2]):
        for j in range(np.shape(dout)[3]):
            dxp[:, :, i * s : i * s + k, j * s : j * s + k] += dout[:, :, i : i + 1, j : j + 1] / (
                k * k
            )
    return dxp[:, :, padding : padding + h, padding : padding + w]
