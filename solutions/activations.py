"""Chapter 5, activations: each function next to its derivative.

Every ``NAME_backward(dout, x, ...)`` returns ``dout * NAME'(x)`` (the chain rule), computed
from the forward *input* x. Elementwise work is left to numpy's vectorised ufuncs: a Numba
loop would not be faster here. All functions accept any shape unless stated, and keep the
float dtype of their input.
"""

from __future__ import annotations

import numpy as np

from solutions._validate import as_float_arrays, check_int


def _pair(dout, x):
    dout, x = as_float_arrays(("dout", dout), ("x", x))
    if dout.shape != x.shape:
        raise ValueError(f"dout must have x's shape {x.shape}, got {dout.shape}")
    return dout, x


def _finite(value: float, name: str) -> float:
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def relu(x: np.ndarray) -> np.ndarray:
    """max(0, x), any shape."""
    (x,) = as_float_arrays(("x", x))
    return np.maximum(x, 0)


def relu_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dout * [x > 0] (the subgradient at 0 is taken as 0, like PyTorch)."""
    dout, x = _pair(dout, x)
    return np.where(x > 0, dout, 0).astype(x.dtype)


def leaky_relu(x: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """x if x > 0 else alpha * x, any shape."""
    (x,) = as_float_arrays(("x", x))
    alpha = _finite(alpha, "alpha")
    return np.where(x > 0, x, x * x.dtype.type(alpha))


def leaky_relu_backward(dout: np.ndarray, x: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """dout * (1 if x > 0 else alpha)."""
    dout, x = _pair(dout, x)
    alpha = _finite(alpha, "alpha")
    return np.where(x > 0, dout, dout * x.dtype.type(alpha))


def _prelu_alpha(alpha, x):
    alpha = np.asarray(alpha, dtype=x.dtype)
    if alpha.size == 1:
        return alpha.reshape(()), ()
    if x.ndim < 2 or alpha.shape != (x.shape[1],):
        raise ValueError(
            f"alpha must be a scalar or have shape (C,) = ({x.shape[1] if x.ndim > 1 else '?'},)"
            f" for x {x.shape}, got {alpha.shape}"
        )
    return alpha.reshape((1, -1) + (1,) * (x.ndim - 2)), (0, *range(2, x.ndim))


def prelu(x: np.ndarray, alpha: np.ndarray | float) -> np.ndarray:
    """Parametric ReLU: x if x > 0 else alpha * x, with a learnable alpha.

    Args:
        x: input, shape (N, C, ...) (or any shape when alpha is a scalar).
        alpha: scalar, or shape (C,) for one slope per channel (axis 1), as ``torch.nn.PReLU``.
    """
    (x,) = as_float_arrays(("x", x))
    a, _ = _prelu_alpha(alpha, x)
    return np.where(x > 0, x, a * x)


def prelu_backward(
    dout: np.ndarray, x: np.ndarray, alpha: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of ``prelu``: (dx of x's shape, dalpha of alpha's shape).

    dx = dout * (1 if x > 0 else alpha); dalpha = sum of dout * x over the cells where x <= 0
    (over every axis but the channel one when alpha is per channel).
    """
    dout, x = _pair(dout, x)
    a, reduce_axes = _prelu_alpha(alpha, x)
    dx = np.where(x > 0, dout, a * dout)
    contrib = np.where(x > 0, 0, dout * x)
    dalpha = contrib.sum() if reduce_axes == () else contrib.sum(axis=reduce_axes)
    return dx, np.asarray(dalpha, dtype=x.dtype).reshape(np.shape(alpha))


def elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """x if x > 0 else alpha * (exp(x) - 1), any shape."""
    (x,) = as_float_arrays(("x", x))
    alpha = x.dtype.type(_finite(alpha, "alpha"))
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_backward(dout: np.ndarray, x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """dout * (1 if x > 0 else alpha * exp(x))."""
    dout, x = _pair(dout, x)
    alpha = x.dtype.type(_finite(alpha, "alpha"))
    return np.where(x > 0, dout, dout * alpha * np.exp(np.minimum(x, 0)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)), computed without overflow for large |x|; any shape."""
    (x,) = as_float_arrays(("x", x))
    # exp of a non-positive number never overflows: use exp(-|x|) on both branches.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


def sigmoid_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dout * s * (1 - s) with s = sigmoid(x): at most dout / 4, which is why deep sigmoid
    stacks make gradients vanish."""
    dout, x = _pair(dout, x)
    s = sigmoid(x)
    return dout * s * (1 - s)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent, any shape."""
    (x,) = as_float_arrays(("x", x))
    return np.tanh(x)


def tanh_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dout * (1 - tanh(x)^2)."""
    dout, x = _pair(dout, x)
    t = np.tanh(x)
    return dout * (1 - t * t)


def _maxout_groups(x, k):
    (x,) = as_float_arrays(("x", x))
    k = check_int(k, "k", 1)
    if x.ndim < 2 or x.shape[1] % k:
        raise ValueError(f"x must be (N, C, ...) with C divisible by k={k}, got shape {x.shape}")
    return x, k, x.reshape(x.shape[0], x.shape[1] // k, k, *x.shape[2:])


def maxout(x: np.ndarray, k: int) -> np.ndarray:
    """Maximum over groups of k consecutive channels.

    Args:
        x: input, shape (N, C, ...), C divisible by k.
        k: pieces per unit.

    Returns:
        (N, C // k, ...) with out[:, j] = max(x[:, j*k : (j+1)*k]).
    """
    _, _, grouped = _maxout_groups(x, k)
    return grouped.max(axis=2)


def maxout_backward(dout: np.ndarray, x: np.ndarray, k: int) -> np.ndarray:
    """Gradient of ``maxout``: dout (N, C // k, ...) goes to the first maximal channel of
    each group; returns dx of shape (N, C, ...)."""
    x, k, grouped = _maxout_groups(x, k)
    (dout,) = as_float_arrays(("dout", dout))
    expected = grouped.shape[:2] + grouped.shape[3:]
    if dout.shape != expected:
        raise ValueError(f"dout must have shape {expected} for x {x.shape}, got {dout.shape}")
    winner = grouped.argmax(axis=2)  # first maximum on ties
    dgrouped = np.zeros_like(grouped)
    np.put_along_axis(dgrouped, winner[:, :, None], dout[:, :, None].astype(x.dtype), axis=2)
    return dgrouped.reshape(x.shape)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """exp(x - max) / sum(exp(x - max)) along ``axis``; subtracting the max avoids overflow."""
    (x,) = as_float_arrays(("x", x))
    shifted = x - x.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_backward(dout: np.ndarray, x: np.ndarray, axis: int = -1) -> np.ndarray:
    """s * (dout - sum(dout * s)) along ``axis``, with s = softmax(x): the Jacobian-vector
    product without forming the Jacobian."""
    dout, x = _pair(dout, x)
    s = softmax(x, axis)
    return s * (dout - (dout * s).sum(axis=axis, keepdims=True))


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """x - max - log(sum(exp(x - max))) along ``axis``: finite even where softmax underflows."""
    (x,) = as_float_arrays(("x", x))
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def log_softmax_backward(dout: np.ndarray, x: np.ndarray, axis: int = -1) -> np.ndarray:
    """dout - softmax(x) * sum(dout) along ``axis``."""
    dout, x = _pair(dout, x)
    return dout - softmax(x, axis) * dout.sum(axis=axis, keepdims=True)
