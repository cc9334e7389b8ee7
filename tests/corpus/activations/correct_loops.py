"""Element by element with the math module, into arrays of the input's dtype."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% relu_family
def _each(f, *arrays):
    first = np.asarray(arrays[-1])
    out = np.empty(first.shape, dtype=np.result_type(*arrays))
    flats = [np.asarray(a).reshape(-1) for a in arrays]
    flat_out = out.reshape(-1)
    for i in range(flat_out.size):
        flat_out[i] = f(*(float(a[i]) for a in flats))
    return out


def relu(x):
    return _each(lambda v: v if v > 0 else 0.0, x)


def relu_backward(dout, x):
    return _each(lambda d, v: d if v > 0 else 0.0, dout, x)


def leaky_relu(x, alpha=0.01):
    return _each(lambda v: v if v > 0 else alpha * v, x)


def leaky_relu_backward(dout, x, alpha=0.01):
    return _each(lambda d, v: d if v > 0 else alpha * d, dout, x)


def elu(x, alpha=1.0):
    import math

    return _each(lambda v: v if v > 0 else alpha * math.expm1(v), x)


def elu_backward(dout, x, alpha=1.0):
    import math

    return _each(lambda d, v: d if v > 0 else d * alpha * math.exp(v), dout, x)


# %% prelu
def prelu(x, alpha):
    x = np.asarray(x, dtype=float)
    out = x.copy()
    for idx in np.ndindex(x.shape):
        if x[idx] <= 0:
            out[idx] = alpha[idx[1]] * x[idx]
    return out


def prelu_backward(dout, x, alpha):
    x, dout = np.asarray(x, dtype=float), np.asarray(dout, dtype=float)
    dx, dalpha = np.zeros(x.shape), np.zeros(len(alpha))
    for idx in np.ndindex(x.shape):
        if x[idx] > 0:
            dx[idx] = dout[idx]
        else:
            dx[idx] = alpha[idx[1]] * dout[idx]
            dalpha[idx[1]] += dout[idx] * x[idx]
    return dx, dalpha


# %% sigmoid_tanh
import math


def _sigmoid_one(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def sigmoid(x):
    x = np.asarray(x)
    out = np.empty(x.shape, dtype=x.dtype)
    for idx in np.ndindex(x.shape):
        out[idx] = _sigmoid_one(float(x[idx]))
    return out


def sigmoid_backward(dout, x):
    out = np.empty(np.shape(x))
    for idx in np.ndindex(out.shape):
        s = _sigmoid_one(float(x[idx]))
        out[idx] = dout[idx] * s * (1 - s)
    return out


def tanh_backward(dout, x):
    out = np.empty(np.shape(x))
    for idx in np.ndindex(out.shape):
        out[idx] = dout[idx] * (1 - math.tanh(x[idx]) ** 2)
    return out


# %% maxout
def maxout(x, k):
    n, c = np.shape(x)[:2]
    out = np.empty((n, c // k) + np.shape(x)[2:])
    for i in range(n):
        for g in range(c // k):
            out[i, g] = x[i, g * k]
            for j in range(1, k):
                out[i, g] = np.maximum(out[i, g], x[i, g * k + j])
    return out


def maxout_backward(dout, x, k):
    dx = np.zeros(np.shape(x))
    for idx in np.ndindex(np.shape(dout)):
        n, g, rest = idx[0], idx[1], idx[2:]
        best = g * k
        for j in range(1, k):
            if x[(n, g * k + j) + rest] > x[(n, best) + rest]:
                best = g * k + j
        dx[(n, best) + rest] += dout[idx]
    return dx


# %% softmax
def softmax(x, axis=-1):
    x = np.asarray(x)
    moved = np.moveaxis(x, axis, -1)
    out = np.empty(moved.shape, dtype=x.dtype)
    for idx in np.ndindex(moved.shape[:-1]):
        row = moved[idx]
        top = max(row)
        exps = [math.exp(v - top) for v in row]
        total = sum(exps)
        out[idx] = [e / total for e in exps]
    return np.moveaxis(out, -1, axis)


def softmax_backward(dout, x, axis=-1):
    s = np.moveaxis(softmax(x, axis), axis, -1)
    d = np.moveaxis(np.asarray(dout, dtype=float), axis, -1)
    out = np.empty(s.shape)
    for idx in np.ndindex(s.shape[:-1]):
        dot = sum(d[idx][j] * s[idx][j] for j in range(s.shape[-1]))
        out[idx] = [s[idx][j] * (d[idx][j] - dot) for j in range(s.shape[-1])]
    return np.moveaxis(out, -1, axis)


# %% gelu_silu
def gelu(x):
    out = np.empty(np.shape(x))
    for idx in np.ndindex(out.shape):
        v = float(x[idx])
        out[idx] = v * 0.5 * (1 + math.erf(v / math.sqrt(2)))
    return out


def gelu_backward(dout, x):
    out = np.empty(np.shape(x))
    for idx in np.ndindex(out.shape):
        v = float(x[idx])
        cdf = 0.5 * (1 + math.erf(v / math.sqrt(2)))
        pdf = math.exp(-v * v / 2) / math.sqrt(2 * math.pi)
        out[idx] = dout[idx] * (cdf + v * pdf)
    return out


def silu(x):
    out = np.empty(np.shape(x))
    for idx in np.ndindex(out.shape):
        out[idx] = float(x[idx]) * _sigmoid_one(float(x[idx]))
    return out


def silu_backward(dout, x):
    out = np.empty(np.shape(x))
    for idx in np.ndindex(out.shape):
        v = float(x[idx])
        s = _sigmoid_one(v)
        out[idx] = dout[idx] * (s + v * s * (1 - s))
    return out
