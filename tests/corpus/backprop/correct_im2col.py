"""im2col: dw = dout_matrix @ cols, dcols = w_matrix.T @ dout_matrix scattered back by col2im."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% numerical_gradient
def numerical_gradient(f, x, dout=1.0, eps=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.size)
    for i in range(x.size):
        plus, minus = x.copy().reshape(-1), x.copy().reshape(-1)
        plus[i] += eps
        minus[i] -= eps
        grad[i] = (
            np.sum(f(plus.reshape(x.shape)) * dout) - np.sum(f(minus.reshape(x.shape)) * dout)
        ) / (2 * eps)
    return grad.reshape(x.shape)


def gradient_check(f, x, analytic_dx, dout=1.0, eps=1e-5):
    numeric = numerical_gradient(f, x, dout, eps)
    diff = np.linalg.norm((np.asarray(analytic_dx) - numeric).reshape(-1, 1), axis=1)
    size = np.abs(np.asarray(analytic_dx)).reshape(-1) + np.abs(numeric).reshape(-1)
    return float(np.max(diff / np.maximum(size, 1e-8)))


# %% conv2d_backward
def conv2d_backward(dout, x, w, stride=1, padding=0):
    n, c, h, width = x.shape
    c_out, _, kh, kw = w.shape
    ho, wo = dout.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    cols = np.empty((n, ho, wo, c, kh, kw))
    for i in range(ho):
        for j in range(wo):
            cols[:, i, j] = xp[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
    cols = cols.reshape(n * ho * wo, -1)
    g = dout.transpose(0, 2, 3, 1).reshape(-1, c_out)  # one row per output position
    dw = (g.T @ cols).reshape(w.shape)
    dcols = (g @ w.reshape(c_out, -1)).reshape(n, ho, wo, c, kh, kw)
    dxp = np.zeros(xp.shape)
    for i in range(ho):
        for j in range(wo):
            dxp[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw] += dcols[:, i, j]
    return dxp[:, :, padding : padding + h, padding : padding + width], dw, g.sum(axis=0)
