"""Chapter 5, activations: each function next to its derivative.

Every ``NAME_backward(dout, x, ...)`` returns ``dout * NAME'(x)`` (the chain rule), computed
from the forward *input* x. Elementwise work is left to numpy's vectorised ufuncs: a Numba
loop would not be faster there. Two exceptions: the exact GELU (numpy has no erf), and ReLU's
backward, which every convolutional network runs after each convolution: ``np.where`` on a
mask of random signs branches per element (1.3 ms on 64x6x28x28 float32, 0.24 ms on the same
values sorted), where a compiled select loop does not. All functions accept any shape unless
stated, and keep the float dtype of their input.
"""

from __future__ import annotations

import math

import numpy as np

from solutions._kernels import njit
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
    """dout * [x > 0] (the subgradient at 0 is taken as 0, like PyTorch; where x is NaN the
    gradient passes, as in PyTorch)."""
    dout, x = _pair(dout, x)
    dx = np.empty_like(x)
    _relu_backward(dout.reshape(-1), x.reshape(-1), dx.reshape(-1))
    return dx


@njit(cache=True)
def _relu_backward(dout, x, dx):  # pragma: no cover - jitted
    """dx[i] = 0 if x[i] <= 0 else dout[i], on flat arrays: where x is NaN (so is relu(x))
    the gradient passes, as in PyTorch's threshold backward."""
    zero = dx.dtype.type(0)
    for i in range(x.size):
        dx[i] = zero if x[i] <= 0 else dout[i]


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


# --- Second round: GELU, SiLU (Swish) and RReLU ------------------------------------------
#
# numpy has no erf ufunc, so the exact GELU and its derivative are two small Numba loops over
# the flattened array (math.erf is compiled for float32 and float64); the tanh approximation
# and SiLU use numpy's ufuncs like the functions above.

_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_C = 0.044715
_GELU_MODES = ("none", "tanh")


@njit(cache=True)
def _gelu_erf_forward(x, out):  # pragma: no cover - jitted
    """out[i] = x[i] * Phi(x[i]) with Phi(v) = (1 + erf(v / sqrt 2)) / 2; flat arrays."""
    for i in range(x.size):
        v = x[i]
        out[i] = 0.5 * v * (1.0 + math.erf(v * _INV_SQRT2))


@njit(cache=True)
def _gelu_erf_backward(dout, x, dx):  # pragma: no cover - jitted
    """dx[i] = dout[i] * (Phi(x[i]) + x[i] * phi(x[i])), phi the standard normal density."""
    for i in range(x.size):
        v = x[i]
        cdf = 0.5 * (1.0 + math.erf(v * _INV_SQRT2))
        pdf = _INV_SQRT_2PI * math.exp(-0.5 * v * v)
        dx[i] = dout[i] * (cdf + v * pdf)


def _gelu_mode(approximate: str) -> str:
    if not isinstance(approximate, str) or approximate not in _GELU_MODES:
        raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
    return approximate


def gelu(x: np.ndarray, approximate: str = "none") -> np.ndarray:
    """Gaussian error linear unit, x * Phi(x), like ``torch.nn.functional.gelu``.

    Args:
        x: input, any shape.
        approximate: ``"none"`` for the exact form with the standard normal CDF,
            Phi(x) = (1 + erf(x / sqrt 2)) / 2; ``"tanh"`` for Hendrycks and Gimpel's
            approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).

    Returns:
        An array of x's shape and dtype.
    """
    (x,) = as_float_arrays(("x", x))
    if _gelu_mode(approximate) == "tanh":
        inner = x.dtype.type(_SQRT_2_OVER_PI) * (x + x.dtype.type(_GELU_TANH_C) * x**3)
        return (x.dtype.type(0.5) * x * (1 + np.tanh(inner))).astype(x.dtype)
    out = np.empty_like(x)
    _gelu_erf_forward(x.reshape(-1), out.reshape(-1))
    return out


def gelu_backward(dout: np.ndarray, x: np.ndarray, approximate: str = "none") -> np.ndarray:
    """Gradient of ``gelu``: dout * GELU'(x), shape of x.

    Exact: GELU'(x) = Phi(x) + x * phi(x), phi the standard normal density. With
    ``approximate="tanh"``, the derivative of the approximation (what PyTorch's autograd
    uses for that mode): 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2),
    with t = tanh(sqrt(2/pi) (x + 0.044715 x^3)).
    """
    dout, x = _pair(dout, x)
    if _gelu_mode(approximate) == "tanh":
        c, k = x.dtype.type(_GELU_TANH_C), x.dtype.type(_SQRT_2_OVER_PI)
        t = np.tanh(k * (x + c * x**3))
        half = x.dtype.type(0.5)
        slope = half * (1 + t) + half * x * (1 - t * t) * k * (1 + 3 * c * x * x)
        return (dout * slope).astype(x.dtype)
    dx = np.empty_like(x)
    _gelu_erf_backward(dout.reshape(-1), x.reshape(-1), dx.reshape(-1))
    return dx


def silu(x: np.ndarray) -> np.ndarray:
    """Sigmoid-weighted linear unit (Swish with beta = 1): x * sigmoid(x), any shape."""
    (x,) = as_float_arrays(("x", x))
    return x * sigmoid(x)


def silu_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dout * (s + x * s * (1 - s)) with s = sigmoid(x): both terms of the product rule."""
    dout, x = _pair(dout, x)
    s = sigmoid(x)
    return dout * (s * (1 + x * (1 - s)))


def _rrelu_bounds(lower, upper) -> tuple[float, float]:
    lower, upper = _finite(lower, "lower"), _finite(upper, "upper")
    if lower > upper:
        raise ValueError(f"lower must be <= upper, got lower={lower} and upper={upper}")
    return lower, upper


def rrelu(
    x: np.ndarray,
    lower: float = 1 / 8,
    upper: float = 1 / 3,
    training: bool = False,
    rng: np.random.Generator | int | None = None,
    return_slopes: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Randomised leaky ReLU (Xu et al. 2015), like ``torch.nn.functional.rrelu``.

    In training, every cell with x <= 0 draws its own slope a ~ U(lower, upper) and outputs
    a * x; in evaluation the slope is fixed at (lower + upper) / 2 (a leaky ReLU). Cells with
    x > 0 pass through in both modes.

    Args:
        x: input, any shape.
        lower, upper: bounds of the slope, finite, lower <= upper.
        training: draw random slopes (True) or use the mean slope (False).
        rng: a ``numpy.random.Generator``, or a seed for ``numpy.random.default_rng``
            (the same seed gives the same slopes); None draws fresh ones. Unused in evaluation.
        return_slopes: also return the slopes, which ``rrelu_backward`` needs in training.

    Returns:
        out, of x's shape and dtype; with ``return_slopes=True`` the pair (out, slopes), where
        slopes (x's shape and dtype) is the local derivative used: 1 where x > 0, the drawn
        (training) or mean (evaluation) slope where x <= 0, so that out = slopes * x.
    """
    (x,) = as_float_arrays(("x", x))
    lower, upper = _rrelu_bounds(lower, upper)
    if training:
        drawn = np.random.default_rng(rng).uniform(lower, upper, size=x.shape).astype(x.dtype)
    else:
        drawn = np.full(x.shape, (lower + upper) / 2, dtype=x.dtype)
    slopes = np.where(x > 0, x.dtype.type(1), drawn)
    out = slopes * x
    return (out, slopes) if return_slopes else out


def rrelu_backward(
    dout: np.ndarray,
    x: np.ndarray,
    lower: float = 1 / 8,
    upper: float = 1 / 3,
    training: bool = False,
    slopes: np.ndarray | None = None,
) -> np.ndarray:
    """Gradient of ``rrelu``: dout * slope, shape of x.

    In evaluation the slope is 1 where x > 0 and (lower + upper) / 2 elsewhere (as
    ``leaky_relu_backward``). In training the random slopes of the forward pass are needed:
    pass the ``slopes`` returned by ``rrelu(..., training=True, return_slopes=True)``
    (shape of x). When ``slopes`` is given it is used in either mode.
    """
    dout, x = _pair(dout, x)
    lower, upper = _rrelu_bounds(lower, upper)
    if slopes is None:
        if training:
            raise ValueError(
                "slopes must be given in training mode: pass the slopes returned by "
                "rrelu(x, ..., training=True, return_slopes=True)"
            )
        return leaky_relu_backward(dout, x, (lower + upper) / 2)
    (slopes,) = as_float_arrays(("slopes", slopes))
    if slopes.shape != x.shape:
        raise ValueError(f"slopes must have x's shape {x.shape}, got {slopes.shape}")
    return dout * slopes.astype(x.dtype)
