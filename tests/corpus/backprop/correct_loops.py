"""A copy of x perturbed entry by entry with np.ndindex; conv2d_backward with one loop per index."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% numerical_gradient
def numerical_gradient(f, x, dout=1.0, eps=1e-5):
    work = np.array(x, dtype=float)  # the caller's x is never touched
    grad = np.zeros(work.shape)
    for idx in np.ndindex(work.shape):
        saved = work[idx]
        work[idx] = saved + eps
        up = float(np.sum(f(work) * dout))
        work[idx] = saved - eps
        down = float(np.sum(f(work) * dout))
        work[idx] = saved
        grad[idx] = (up - down) / (2 * eps)
    return grad


def gradient_check(f, x, analytic_dx, dout=1.0, eps=1e-5):
    numeric = numerical_gradient(f, x, dout, eps)
    worst = 0.0
    for a, b in zip(np.ravel(analytic_dx), np.ravel(numeric)):
        worst = max(worst, abs(a - b) / max(1e-8, abs(a) + abs(b)))
    return float(worst)


# %% conv2d_backward
def conv2d_backward(dout, x, w, stride=1, padding=0):
    n_batch, c_in, h, width = x.shape
    c_out, _, kh, kw = w.shape
    dx, dw, db = np.zeros(x.shape), np.zeros(w.shape), np.zeros(c_out)
    for n in range(n_batch):
        for o in range(c_out):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    g = dout[n, o, i, j]
                    db[o] += g
                    for c in range(c_in):
                        for a in range(kh):
                            for b in range(kw):
                                r, s = i * stride + a - padding, j * stride + b - padding
                                if 0 <= r < h and 0 <= s < width:
                                    dw[o, c, a, b] += g * x[n, c, r, s]
                                    dx[n, c, r, s] += g * w[o, c, a, b]
    return dx, dw, db
