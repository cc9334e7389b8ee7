"""Keeps a last partial window (ceil mode): one more output row and column when the stride leaves a remainder.

loses: test_pool_forward
says: expected shape
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% pool_forward
def max_pool2d(x, kernel_size, stride=None, padding=0):
    k, s = kernel_size, kernel_size if stride is None else stride
    xp = np.pad(
        np.asarray(x, dtype=float),
        ((0, 0), (0, 0), (padding, padding), (padding, padding)),
        constant_values=-np.inf,
    )
    ho, wo = -(-(xp.shape[2] - k) // s) + 1, -(-(xp.shape[3] - k) // s) + 1
    out = np.empty(xp.shape[:2] + (ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = xp[:, :, i * s : i * s + k, j * s : j * s + k].max(axis=(2, 3))
    return out


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    k, s = kernel_size, kernel_size if stride is None else stride
    xp = np.pad(
        np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding))
    )
    ho, wo = -(-(xp.shape[2] - k) // s) + 1, -(-(xp.shape[3] - k) // s) + 1
    out = np.empty(xp.shape[:2] + (ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = xp[:, :, i * s : i * s + k, j * s : j * s + k].mean(axis=(2, 3))
    return out
