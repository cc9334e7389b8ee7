"""Boolean masks on copies: out = x.copy(); out[x <= 0] = ...; the input is never written."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% relu_family
def relu(x):
    out = np.array(x, copy=True)
    out[out < 0] = 0
    return out


def relu_backward(dout, x):
    out = np.array(dout, copy=True)
    out[np.asarray(x) <= 0] = 0
    return out


def leaky_relu(x, alpha=0.01):
    out = np.array(x, copy=True)
    out[out <= 0] *= alpha
    return out


def leaky_relu_backward(dout, x, alpha=0.01):
    out = np.array(dout, copy=True)
    out[np.asarray(x) <= 0] *= alpha
    return out


def elu(x, alpha=1.0):
    out = np.array(x, copy=True)
    neg = out <= 0
    out[neg] = alpha * np.expm1(out[neg])
    return out


def elu_backward(dout, x, alpha=1.0):
    out = np.array(dout, copy=True)
    neg = np.asarray(x) <= 0
    out[neg] *= alpha * np.exp(np.asarray(x)[neg])
    return out


# %% prelu
def prelu(x, alpha):
    shape = (1, -1) + (1,) * (np.ndim(x) - 2)
    out = np.array(x, dtype=float)
    scaled = out * np.reshape(alpha, shape)
    neg = out <= 0
    out[neg] = scaled[neg]
    return out


def prelu_backward(dout, x, alpha):
    shape = (1, -1) + (1,) * (np.ndim(x) - 2)
    neg = np.asarray(x) <= 0
    dx = np.array(dout, dtype=float)
    dx[neg] = (dx * np.reshape(alpha, shape))[neg]
    contribution = np.where(neg, dout * x, 0.0)
    dalpha = np.moveaxis(contribution, 1, 0).reshape(len(alpha), -1).sum(axis=1)
    return dx, dalpha


# %% sigmoid_tanh
def sigmoid(x):
    x = np.asarray(x)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out


def sigmoid_backward(dout, x):
    s = sigmoid(x)
    return dout * s * (1 - s)


def tanh_backward(dout, x):
    return dout * (1 - np.tanh(x) ** 2)


# %% maxout
def maxout(x, k):
    n, c = np.shape(x)[:2]
    grouped = np.reshape(x, (n, c // k, k) + np.shape(x)[2:])
    return np.max(grouped, axis=2)


def maxout_backward(dout, x, k):
    n, c = np.shape(x)[:2]
    grouped = np.reshape(x, (n, c // k, k) + np.shape(x)[2:])
    first = np.argmax(grouped, axis=2)
    mask = np.arange(k).reshape((1, 1, k) + (1,) * (grouped.ndim - 3)) == first[:, :, None]
    return (mask * np.asarray(dout)[:, :, None]).reshape(np.shape(x))


# %% softmax
def softmax(x, axis=-1):
    shifted = np.array(x, copy=True)
    shifted -= shifted.max(axis=axis, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=axis, keepdims=True)
    return shifted


def softmax_backward(dout, x, axis=-1):
    s = softmax(x, axis)
    return s * (dout - np.sum(dout * s, axis=axis, keepdims=True))


# %% gelu_silu
import math

_erf = np.vectorize(math.erf, otypes=[float])


def gelu(x):
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def gelu_backward(dout, x):
    cdf = 0.5 * (1 + _erf(x / math.sqrt(2)))
    return dout * (cdf + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi))


def silu(x):
    return x / (1 + np.exp(-np.clip(x, -700, 700)))


def silu_backward(dout, x):
    s = sigmoid(x)
    return dout * (s + x * s * (1 - s))
