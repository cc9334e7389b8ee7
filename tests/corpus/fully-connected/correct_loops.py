"""Loops over examples and units; the loss row by row with the row's own maximum."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% linear
def flatten(x):
    x = np.asarray(x)
    out = np.empty((x.shape[0], x[0].size), dtype=x.dtype)
    for n in range(x.shape[0]):
        for i, index in enumerate(np.ndindex(x.shape[1:])):
            out[n, i] = x[(n,) + index]
    return out


def linear(x, w, b=None):
    n_batch, n_out = len(x), len(w)
    out = np.zeros((n_batch, n_out))
    for n in range(n_batch):
        for o in range(n_out):
            out[n, o] = sum(w[o][i] * x[n][i] for i in range(len(x[n])))
            if b is not None:
                out[n, o] += b[o]
    return out


def linear_backward(dout, x, w):
    dx, dw, db = np.zeros(np.shape(x)), np.zeros(np.shape(w)), np.zeros(len(w))
    for n in range(len(x)):
        for o in range(len(w)):
            db[o] += dout[n][o]
            for i in range(len(x[n])):
                dx[n, i] += dout[n][o] * w[o][i]
                dw[o, i] += dout[n][o] * x[n][i]
    return dx, dw, db


# %% softmax_cross_entropy
import math


def softmax_cross_entropy(logits, y):
    logits = np.asarray(logits, dtype=float)
    n = len(logits)
    total, grad = 0.0, np.zeros(logits.shape)
    for i in range(n):
        row = logits[i]
        top = max(row)
        exps = [math.exp(v - top) for v in row]
        norm = sum(exps)
        total += -(row[y[i]] - top - math.log(norm))
        for j in range(len(row)):
            grad[i, j] = (exps[j] / norm - (1.0 if j == y[i] else 0.0)) / n
    return total / n, grad


# %% mse_loss
def mse_loss(pred, target):
    p = np.asarray(pred, dtype=float).reshape(-1)
    t = np.asarray(target, dtype=float).reshape(-1)
    total, grad = 0.0, np.zeros(p.size)
    for i in range(p.size):
        total += (p[i] - t[i]) ** 2
        grad[i] = 2 * (p[i] - t[i]) / p.size
    return total / p.size, grad.reshape(np.shape(pred))
