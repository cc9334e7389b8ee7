"""einsum for the products, log-sum-exp for the loss, one-hot labels."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% linear
def flatten(x):
    x = np.asarray(x)
    return np.reshape(x, (len(x), int(np.prod(x.shape[1:]))))


def linear(x, w, b=None):
    out = np.einsum("ni,oi->no", x, w)
    return out if b is None else out + np.asarray(b)[None, :]


def linear_backward(dout, x, w):
    return (
        np.einsum("no,oi->ni", dout, w),
        np.einsum("no,ni->oi", dout, x),
        np.einsum("no->o", dout),
    )


# %% softmax_cross_entropy
def softmax_cross_entropy(logits, y):
    z = np.asarray(logits, dtype=float)
    onehot = np.eye(z.shape[1])[y]
    m = z.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    loss = float(np.mean(np.sum(onehot * (lse - z), axis=1)))
    return loss, (np.exp(z - lse) - onehot) / len(z)


# %% mse_loss
def mse_loss(pred, target):
    diff = np.subtract(pred, target, dtype=float)
    return float(np.vdot(diff, diff) / diff.size), diff * (2.0 / diff.size)
