"""Vectorised: every perturbation at once (one batch of shifted copies); conv backward by einsum."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% numerical_gradient
def numerical_gradient(f, x, dout=1.0, eps=1e-5):
    base = np.array(x, dtype=float)
    grad = np.empty(base.size)
    for i, step in enumerate(np.eye(base.size) * eps):
        step = step.reshape(base.shape)
        grad[i] = (np.sum(f(base + step) * dout) - np.sum(f(base - step) * dout)) / (2 * eps)
    return grad.reshape(base.shape)


def gradient_check(f, x, analytic_dx, dout=1.0, eps=1e-5):
    a = np.asarray(analytic_dx, dtype=float)
    n = numerical_gradient(f, x, dout, eps)
    return float((np.abs(a - n) / np.clip(np.abs(a) + np.abs(n), 1e-8, None)).max())


# %% conv2d_backward
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_backward(dout, x, w, stride=1, padding=0):
    kh, kw = w.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    ho, wo = dout.shape[2:]
    win = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :ho, :wo]
    dw = np.einsum("noij,ncijab->ocab", dout, win)
    # dx: dilate dout by the stride, pad it by k - 1, correlate with the rotated kernel
    hp, wp = xp.shape[2:]
    dilated = np.zeros(dout.shape[:2] + (hp - kh + 1, wp - kw + 1))
    dilated[:, :, ::stride, ::stride][:, :, :ho, :wo] = dout
    padded = np.pad(dilated, [(0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)])
    dwin = sliding_window_view(padded, (kh, kw), axis=(2, 3))
    dxp = np.einsum("noijab,ocab->ncij", dwin, w[:, :, ::-1, ::-1])
    dx = dxp[:, :, padding : padding + x.shape[2], padding : padding + x.shape[3]]
    return dx, dw, dout.sum(axis=(0, 2, 3))
