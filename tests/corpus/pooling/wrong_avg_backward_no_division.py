"""Sends dout unscaled to every cell of the window: forgets the 1 / k^2 of the mean.

loses: test_pool_backward
says: divided by kernel_size**2
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
    n_batch, n_ch, ho, wo = np.shape(dout)
    for n_ in range(n_batch):
        for c in range(n_ch):
            for i in range(ho):
                for j in range(wo):
                    window = xp[n_, c, i * s : i * s + k, j * s : j * s + k]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dxp[n_, c, i * s + a, j * s + b] += dout[n_, c, i, j]
    return dxp[:, :, padding : padding + x.shape[2], padding : padding + x.shape[3]]


def avg_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k, s = kernel_size, kernel_size if stride is None else stride
    h, w = np.shape(x)[2], np.shape(x)[3]
    dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))
    for i in range(np.shape(dout)[2]):
        for j in range(np.shape(dout)[3]):
            dxp[:, :, i * s : i * s + k, j * s : j * s + k] += dout[:, :, i : i + 1, j : j + 1]
    return dxp[:, :, padding : padding + h, padding : padding + w]
