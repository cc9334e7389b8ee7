"""Chapter 10, training: initialisation, normalisation, dropout, optimisers and schedules.

Every piece exists as a plain function (what the chapter derives and the assignment grades)
and, where a training loop wants state, as an object built on it:

- initialisation: ``kaiming_normal``, ``kaiming_uniform``, ``xavier_normal``,
  ``xavier_uniform`` with PyTorch's fans (``fan_in_and_fan_out``) and gains;
- ``batch_norm2d`` (+ ``_backward``), ``layer_norm`` (+ ``_backward``), ``dropout``
  (+ ``_backward``); the layers ``BatchNorm2d`` and ``Dropout`` in ``solutions.layers`` call them;
- ``sgd_step`` and ``adam_step``, pure updates matching ``torch.optim.SGD`` / ``Adam`` /
  ``AdamW`` step for step, and the optimiser objects ``SGD``, ``Adam``, ``AdamW`` built on them;
- learning-rate schedules as functions of the step: ``step_lr``, ``cosine_lr``,
  ``linear_warmup_lr``, ``warmup_cosine_lr`` (torch's ``StepLR``, ``CosineAnnealingLR``,
  ``LinearLR`` and ``SequentialLR`` of the last two, value for value).

An optimiser is built on a model's live parameter arrays (``model.params()``) and updates them
in place from a dict of gradients with the same keys and shapes (``model.grads()``):

    optimizer = SGD(model.params(), lr=0.1, momentum=0.9)
    loss = ...; model.backward(dloss); optimizer.step(model.grads())

The training loop, the data and the learning curve are in ``solutions.train``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from solutions._validate import as_float_arrays, check_int

Rng = np.random.Generator | int | None


# --- checks shared by this module -------------------------------------------------------------


def _finite(value: object, name: str, low: float = -math.inf, high: float = math.inf) -> float:
    """``value`` as a float, refusing non-numbers, NaN/inf and values outside [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or not (low <= value <= high):
        raise ValueError(f"{name} must be a finite number in [{low}, {high}], got {value}")
    return value


def _generator(rng: Rng) -> np.random.Generator:
    """A numpy Generator from a Generator (used as is), a seed, or None (fresh entropy)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise ValueError(f"rng must be a numpy Generator, an integer seed or None, got {rng!r}")


def _like(name: str, value: object, ref: np.ndarray) -> np.ndarray:
    """``value`` as an array of ``ref``'s dtype and shape (ValueError naming it otherwise)."""
    arr = np.asarray(value)
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if arr.shape != ref.shape:
        raise ValueError(f"{name} must have shape {ref.shape}, got {arr.shape}")
    return arr.astype(ref.dtype, copy=False)


# --- initialisation ----------------------------------------------------------------------------


def fan_in_and_fan_out(shape: Sequence[int]) -> tuple[int, int]:
    """PyTorch's fans of a weight: ``(out, in)`` -> (in, out); ``(C_out, C_in, kh, kw)`` ->
    (C_in·kh·kw, C_out·kh·kw) (every axis after the second is receptive field)."""
    shape = tuple(check_int(s, "shape", 0) for s in shape)
    if len(shape) < 2:
        raise ValueError(f"shape needs at least 2 axes (out, in, ...), got {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _draw(shape, rng, dtype, std=None, bound=None) -> np.ndarray:
    rng = _generator(rng)
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    if std is not None:
        return (rng.standard_normal(shape) * std).astype(dtype)
    return rng.uniform(-bound, bound, shape).astype(dtype)


def _leaky_relu_gain(a: float) -> float:
    a = _finite(a, "a")
    return math.sqrt(2.0 / (1 + a * a))


def kaiming_normal(
    shape: Sequence[int], rng: Rng = None, a: float = 0.0, *, dtype: type = np.float64
) -> np.ndarray:
    """He initialisation, normal: std = gain / sqrt(fan_in) with gain = sqrt(2 / (1 + a²)).

    As ``torch.nn.init.kaiming_normal_`` (mode ``fan_in``, ``a`` the leaky-ReLU slope; a = 0 is
    ReLU). ``shape`` is ``(C_out, C_in, kh, kw)`` or ``(out, in)``; returns an array of it.
    """
    fan_in, _ = fan_in_and_fan_out(shape)
    return _draw(shape, rng, dtype, std=_leaky_relu_gain(a) / math.sqrt(max(fan_in, 1)))


def kaiming_uniform(
    shape: Sequence[int], rng: Rng = None, a: float = 0.0, *, dtype: type = np.float64
) -> np.ndarray:
    """He initialisation, uniform on [-b, b] with b = gain · sqrt(3 / fan_in) (same variance as
    ``kaiming_normal``), as ``torch.nn.init.kaiming_uniform_``. Shapes as ``kaiming_normal``."""
    fan_in, _ = fan_in_and_fan_out(shape)
    return _draw(shape, rng, dtype, bound=_leaky_relu_gain(a) * math.sqrt(3 / max(fan_in, 1)))


def xavier_normal(
    shape: Sequence[int], rng: Rng = None, gain: float = 1.0, *, dtype: type = np.float64
) -> np.ndarray:
    """Glorot initialisation, normal: std = gain · sqrt(2 / (fan_in + fan_out)), as
    ``torch.nn.init.xavier_normal_``. ``shape`` is ``(C_out, C_in, kh, kw)`` or ``(out, in)``."""
    fan_in, fan_out = fan_in_and_fan_out(shape)
    gain = _finite(gain, "gain", 0.0)
    return _draw(shape, rng, dtype, std=gain * math.sqrt(2 / max(fan_in + fan_out, 1)))


def xavier_uniform(
    shape: Sequence[int], rng: Rng = None, gain: float = 1.0, *, dtype: type = np.float64
) -> np.ndarray:
    """Glorot initialisation, uniform on [-b, b] with b = gain · sqrt(6 / (fan_in + fan_out)),
    as ``torch.nn.init.xavier_uniform_``. Shapes as ``xavier_normal``."""
    fan_in, fan_out = fan_in_and_fan_out(shape)
    gain = _finite(gain, "gain", 0.0)
    return _draw(shape, rng, dtype, bound=gain * math.sqrt(6 / max(fan_in + fan_out, 1)))


# --- batch normalisation -----------------------------------------------------------------------

_CHANNEL = (1, -1, 1, 1)


def _bn_inputs(x, gamma, eps, name="x"):
    (x,) = as_float_arrays((name, x))
    if x.ndim != 4:
        raise ValueError(f"{name} must be 4-D (N, C, H, W), got shape {x.shape}")
    channels = np.empty(x.shape[1], x.dtype)
    gamma = _like("gamma", gamma, channels)
    eps = _finite(eps, "eps", 0.0)
    return x, gamma, eps


def batch_norm2d(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    running_mean: np.ndarray | None = None,
    running_var: np.ndarray | None = None,
    training: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> np.ndarray:
    """Batch normalisation per channel, as ``torch.nn.functional.batch_norm``.

    Args:
        x: (N, C, H, W).
        gamma, beta: (C,), the scale and shift.
        running_mean, running_var: (C,) float arrays or None. In training they are updated in
            place: r = (1 - momentum)·r + momentum·batch statistic, with the *unbiased*
            variance (divisor N·H·W − 1), as PyTorch. In evaluation they are required and used.
        training: normalise with the batch mean and *biased* variance (divisor N·H·W) if True,
            with the running statistics if False.

    Returns:
        (N, C, H, W), the dtype of ``x``: gamma · (x − mean) / sqrt(var + eps) + beta.
    """
    x, gamma, eps = _bn_inputs(x, gamma, eps)
    beta = _like("beta", beta, gamma)
    momentum = _finite(momentum, "momentum", 0.0, 1.0)
    for name, r in (("running_mean", running_mean), ("running_var", running_var)):
        if r is None:
            if not training:
                raise ValueError(f"{name} is required in evaluation (training=False)")
            continue
        if not isinstance(r, np.ndarray) or not np.issubdtype(r.dtype, np.floating):
            raise ValueError(f"{name} must be a float numpy array (updated in place), got {r!r}")
        if r.shape != gamma.shape:
            raise ValueError(f"{name} must have shape {gamma.shape}, got {r.shape}")
    if training:
        count = x.size // max(x.shape[1], 1)
        if count < 2:
            raise ValueError(
                f"x needs more than 1 value per channel in training, got shape {x.shape}"
            )
        mean = x.mean(axis=(0, 2, 3))
        var = x.var(axis=(0, 2, 3))  # biased: the batch is normalised by itself
        if running_mean is not None:
            running_mean *= 1 - momentum
            running_mean += momentum * mean
        if running_var is not None:
            running_var *= 1 - momentum
            running_var += momentum * var * (count / (count - 1))  # unbiased, as PyTorch
    else:
        mean = running_mean.astype(x.dtype, copy=False)
        var = running_var.astype(x.dtype, copy=False)
    inv_std = 1 / np.sqrt(var + eps)
    scale = (gamma * inv_std).reshape(_CHANNEL)
    return ((x - mean.reshape(_CHANNEL)) * scale + beta.reshape(_CHANNEL)).astype(x.dtype)


def batch_norm2d_backward(
    dout: np.ndarray, x: np.ndarray, gamma: np.ndarray, eps: float = 1e-5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of ``batch_norm2d`` in training mode (the batch statistics depend on x).

    With x̂ = (x − mean)/sqrt(var + eps) and m = N·H·W values per channel:
    dx = gamma/sqrt(var + eps) · (dout − mean(dout) − x̂ · mean(dout · x̂)).

    Args:
        dout, x: (N, C, H, W); gamma: (C,).

    Returns:
        (dx (N, C, H, W), dgamma (C,), dbeta (C,)), the dtype of ``x``.
    """
    x, gamma, eps = _bn_inputs(x, gamma, eps)
    dout = _like("dout", dout, x)
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    inv_std = 1 / np.sqrt(x.var(axis=(0, 2, 3), keepdims=True) + eps)
    xhat = (x - mean) * inv_std
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * xhat).sum(axis=(0, 2, 3))
    count = x.size // max(x.shape[1], 1)
    dx = (gamma.reshape(_CHANNEL) * inv_std) * (
        dout - (dbeta.reshape(_CHANNEL) + xhat * dgamma.reshape(_CHANNEL)) / count
    )
    return dx.astype(x.dtype), dgamma.astype(x.dtype), dbeta.astype(x.dtype)


# --- layer normalisation -----------------------------------------------------------------------


def _ln_inputs(x, gamma, eps):
    (x,) = as_float_arrays(("x", x))
    if x.ndim < 2:
        raise ValueError(f"x must have a batch axis and at least one more, got shape {x.shape}")
    gamma = _like("gamma", gamma, np.empty(x.shape[1:], x.dtype))
    return x, gamma, _finite(eps, "eps", 0.0)


def layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Layer normalisation of each example over all its axes, as ``F.layer_norm(x,
    x.shape[1:], gamma, beta, eps)``: no running statistics, the same in training and evaluation.

    Args:
        x: (N, ...), e.g. (N, C, H, W) or (N, D); gamma, beta: x.shape[1:].

    Returns:
        x's shape and dtype: gamma · (x − mean) / sqrt(var + eps) + beta, with the mean and
        biased variance of each example.
    """
    x, gamma, eps = _ln_inputs(x, gamma, eps)
    beta = _like("beta", beta, gamma)
    axes = tuple(range(1, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    inv_std = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    return ((x - mean) * inv_std * gamma + beta).astype(x.dtype)


def layer_norm_backward(
    dout: np.ndarray, x: np.ndarray, gamma: np.ndarray, eps: float = 1e-5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of ``layer_norm``: the batch-norm formula with the roles of the axes swapped
    (statistics per example, parameters per feature).

    Args:
        dout, x: (N, ...); gamma: x.shape[1:].

    Returns:
        (dx (N, ...), dgamma x.shape[1:], dbeta x.shape[1:]), the dtype of ``x``.
    """
    x, gamma, eps = _ln_inputs(x, gamma, eps)
    dout = _like("dout", dout, x)
    axes = tuple(range(1, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    inv_std = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    xhat = (x - mean) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    dx = inv_std * (
        dxhat
        - dxhat.mean(axis=axes, keepdims=True)
        - xhat * (dxhat * xhat).mean(axis=axes, keepdims=True)
    )
    return dx.astype(x.dtype), dgamma.astype(x.dtype), dbeta.astype(x.dtype)


# --- dropout -------------------------------------------------------------------------------------


def _dropout_p(p: float) -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not (0 <= float(p) < 1):
        raise ValueError(f"p must be a probability in [0, 1), got {p!r}")
    return float(p)


def dropout(
    x: np.ndarray, p: float, training: bool = True, rng: Rng = None
) -> tuple[np.ndarray, np.ndarray]:
    """Inverted dropout: zero each value with probability p, scale the kept ones by 1/(1 − p),
    so the expectation is unchanged and evaluation needs no rescaling.

    Args:
        x: any shape; p: the drop probability in [0, 1); rng: a numpy Generator or a seed
            (None: fresh entropy).
        training: if False, the identity (no draw).

    Returns:
        (out, mask), both x's shape and dtype: mask holds 1 where a value is kept and 0 where
        it is dropped (all ones in evaluation); out = x · mask / (1 − p) (x itself in
        evaluation).
    """
    p = _dropout_p(p)
    (x,) = as_float_arrays(("x", x))
    if not training:
        return x, np.ones_like(x)
    mask = (_generator(rng).random(x.shape) >= p).astype(x.dtype)
    return (x * mask / (1 - p)).astype(x.dtype), mask


def dropout_backward(dout: np.ndarray, mask: np.ndarray, p: float) -> np.ndarray:
    """Gradient of training-mode ``dropout``: dx = mask · dout / (1 − p), the same scaling as
    the forward (evaluation is the identity: its backward is dout, i.e. p = 0).

    Args:
        dout, mask: the same shape (mask of 0s and 1s from ``dropout``).

    Returns:
        dx, dout's shape and dtype.
    """
    p = _dropout_p(p)
    (dout,) = as_float_arrays(("dout", dout))
    mask = _like("mask", mask, dout)
    return (dout * mask / (1 - p)).astype(dout.dtype)


# --- optimisers as pure updates ------------------------------------------------------------------


def _param_and_grad(param, grad):
    (param,) = as_float_arrays(("param", param))
    return param, _like("grad", grad, param)


def sgd_step(
    param: np.ndarray,
    grad: np.ndarray,
    velocity: np.ndarray | None,
    lr: float,
    momentum: float = 0.0,
    weight_decay: float = 0.0,
    nesterov: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """One step of ``torch.optim.SGD`` (no dampening), returning new arrays:

    g = grad + weight_decay·param;  v = momentum·v + g (v = g when ``velocity`` is None, the
    first step);  param − lr·(g + momentum·v) with ``nesterov``, else param − lr·v.
    The momentum is applied to the velocity, never to the weights.

    Args:
        param, grad: any shape, the same; velocity: that shape, or None before the first step.

    Returns:
        (new param, new velocity); without momentum the velocity is returned as given.
    """
    param, grad = _param_and_grad(param, grad)
    lr = _finite(lr, "lr", 0.0)
    momentum = _finite(momentum, "momentum", 0.0)
    weight_decay = _finite(weight_decay, "weight_decay", 0.0)
    if nesterov and momentum == 0:
        raise ValueError("nesterov needs momentum > 0")
    g = grad + weight_decay * param if weight_decay else grad
    if momentum:
        velocity = g.copy() if velocity is None else momentum * _like("velocity", velocity, g) + g
        g = g + momentum * velocity if nesterov else velocity
    return (param - lr * g).astype(param.dtype), velocity


def _betas(betas: object) -> tuple[float, float]:
    """Adam's (beta1, beta2), each in [0, 1)."""
    if isinstance(betas, str) or not hasattr(betas, "__len__") or len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    pair = tuple(_finite(b, f"betas[{i}]", 0.0, 1.0) for i, b in enumerate(betas))
    if 1.0 in pair:
        raise ValueError(f"betas must be in [0, 1), got {pair}")
    return pair


def adam_step(
    param: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray | None,
    v: np.ndarray | None,
    t: int,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    decoupled: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step of ``torch.optim.Adam`` (``decoupled=True``: ``AdamW``), returning new arrays:

    m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;  m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t);
    param − lr·m̂/(sqrt(v̂) + eps). Weight decay is coupled in Adam (g = grad + wd·param, so
    it passes through the adaptive scaling) and decoupled in AdamW (param·(1 − lr·wd) first).

    Args:
        param, grad: any shape, the same; m, v: that shape, or None (zeros) at t = 1.
        t: the step number, counting from 1 (the bias correction needs it).

    Returns:
        (new param, new m, new v), param's shape and dtype.
    """
    param, grad = _param_and_grad(param, grad)
    t = check_int(t, "t", 1)
    lr = _finite(lr, "lr", 0.0)
    beta1, beta2 = _betas(betas)
    eps = _finite(eps, "eps", 0.0)
    weight_decay = _finite(weight_decay, "weight_decay", 0.0)
    m = np.zeros_like(param) if m is None else _like("m", m, param)
    v = np.zeros_like(param) if v is None else _like("v", v, param)
    if weight_decay and decoupled:
        param = param * (1 - lr * weight_decay)
    elif weight_decay:
        grad = grad + weight_decay * param
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    step_size = lr / (1 - beta1**t)
    denom = np.sqrt(v) / math.sqrt(1 - beta2**t) + eps
    return (param - step_size * m / denom).astype(param.dtype), m, v


# --- optimisers as objects -----------------------------------------------------------------------


class SGD:
    """Mini-batch SGD with momentum, Nesterov and weight decay, as ``torch.optim.SGD`` (no
    dampening), one ``sgd_step`` per parameter.

    It updates the arrays of ``params`` in place (a model's ``params()`` are its live arrays);
    ``lr`` may be changed between steps (a schedule).
    """

    def __init__(
        self,
        params: dict[str, np.ndarray],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        for name, value in (("lr", lr), ("momentum", momentum), ("weight_decay", weight_decay)):
            _finite(value, name, 0.0)
        if nesterov and momentum == 0:
            raise ValueError("nesterov needs momentum > 0")
        self.params, self.lr, self.momentum, self.weight_decay = params, lr, momentum, weight_decay
        self.nesterov = nesterov
        self.velocity: dict[str, np.ndarray] = {}

    def step(self, grads: dict[str, np.ndarray]) -> None:
        """Apply one update; ``grads`` has the keys and shapes of ``params``."""
        for name, p in self.params.items():
            new, velocity = sgd_step(
                p,
                grads[name],
                self.velocity.get(name),
                self.lr,
                self.momentum,
                self.weight_decay,
                self.nesterov,
            )
            if velocity is not None:
                self.velocity[name] = velocity
            p[...] = new


class Adam:
    """Adam, as ``torch.optim.Adam`` (weight decay coupled), one ``adam_step`` per parameter;
    the contract of ``SGD`` (built on live arrays, ``step(grads)`` updates them in place)."""

    decoupled = False

    def __init__(
        self,
        params: dict[str, np.ndarray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        _finite(lr, "lr", 0.0)
        _finite(eps, "eps", 0.0)
        _finite(weight_decay, "weight_decay", 0.0)
        self.params, self.lr, self.betas, self.eps = params, lr, _betas(betas), eps
        self.weight_decay = weight_decay
        self.t = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def step(self, grads: dict[str, np.ndarray]) -> None:
        """Apply one update; ``grads`` has the keys and shapes of ``params``."""
        self.t += 1
        for name, p in self.params.items():
            new, self.m[name], self.v[name] = adam_step(
                p,
                grads[name],
                self.m.get(name),
                self.v.get(name),
                self.t,
                self.lr,
                self.betas,
                self.eps,
                self.weight_decay,
                self.decoupled,
            )
            p[...] = new


class AdamW(Adam):
    """AdamW, as ``torch.optim.AdamW``: Adam with decoupled weight decay (default 0.01)."""

    decoupled = True

    def __init__(
        self,
        params: dict[str, np.ndarray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


# --- learning-rate schedules: step number -> learning rate --------------------------------------


def step_lr(step: int, base_lr: float, step_size: int, gamma: float = 0.1) -> float:
    """``StepLR``: base_lr · gamma^(step // step_size)."""
    step = check_int(step, "step", 0)
    step_size = check_int(step_size, "step_size", 1)
    return _finite(base_lr, "base_lr", 0.0) * _finite(gamma, "gamma", 0.0) ** (step // step_size)


def cosine_lr(step: int, base_lr: float, total_steps: int, min_lr: float = 0.0) -> float:
    """``CosineAnnealingLR`` (T_max = total_steps, eta_min = min_lr): from base_lr at step 0 to
    min_lr at ``total_steps`` along a half cosine (and back up after, as PyTorch)."""
    step = check_int(step, "step", 0)
    total_steps = check_int(total_steps, "total_steps", 1)
    base_lr, min_lr = _finite(base_lr, "base_lr", 0.0), _finite(min_lr, "min_lr", 0.0)
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * step / total_steps)) / 2


def linear_warmup_lr(
    step: int,
    base_lr: float,
    warmup_steps: int,
    start_factor: float = 1 / 3,
    end_factor: float = 1.0,
) -> float:
    """``LinearLR`` (total_iters = warmup_steps): the factor goes linearly from start_factor
    at step 0 to end_factor at ``warmup_steps``, then stays."""
    step = check_int(step, "step", 0)
    warmup_steps = check_int(warmup_steps, "warmup_steps", 1)
    start = _finite(start_factor, "start_factor", 0.0, 1.0)
    if start == 0:
        raise ValueError("start_factor must be > 0 (as PyTorch)")
    end = _finite(end_factor, "end_factor", 0.0, 1.0)
    done = min(step, warmup_steps) / warmup_steps
    return _finite(base_lr, "base_lr", 0.0) * (start + (end - start) * done)


def warmup_cosine_lr(
    step: int,
    base_lr: float,
    warmup_steps: int,
    total_steps: int,
    start_factor: float = 1 / 3,
    min_lr: float = 0.0,
) -> float:
    """Linear warm-up for ``warmup_steps``, then a cosine from base_lr to min_lr at
    ``total_steps``: ``SequentialLR([LinearLR(start_factor, total_iters=warmup_steps),
    CosineAnnealingLR(T_max=total_steps - warmup_steps, eta_min=min_lr)], [warmup_steps])``."""
    step = check_int(step, "step", 0)
    warmup_steps = check_int(warmup_steps, "warmup_steps", 1)
    total_steps = check_int(total_steps, "total_steps", warmup_steps + 1)
    if step < warmup_steps:
        return linear_warmup_lr(step, base_lr, warmup_steps, start_factor)
    return cosine_lr(step - warmup_steps, base_lr, total_steps - warmup_steps, min_lr)
