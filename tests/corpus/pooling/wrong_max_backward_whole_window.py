"""Copies each max-pool gradient to every cell of its window.

loses: test_pool_backward
says: every cell of the window
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% pool_backward
def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k, s = kernel_size, kernel_size if stride is None else stride
    h, w = np.shape(x)[2], np.shape(x)[3]
    dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))
    for i in range(np.shape(dout)[2]):
        for j in range(np.shape(dout)[3]):
            dxp[:, :, i * s : i * s + k, j * s : j * s + k] += dout[:, :, i : i + 1, j : j + 1]
    return dxp[:, :, padding : padding + h, padding : padding + w]


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
