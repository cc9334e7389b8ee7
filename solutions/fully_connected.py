"""Chapter 7, fully connected layers: flatten, linear, and the two classic losses.

``linear`` uses PyTorch's weight layout, w of shape (out_features, in_features), so
``y = x @ w.T + b``. The losses return ``(loss, gradient)``: the gradient is what the
backward pass starts from.
"""

from __future__ import annotations

import numpy as np

from solutions._validate import as_float_arrays, check_ndim


def flatten(x: np.ndarray) -> np.ndarray:
    """Rasterise every example: (N, d1, d2, ...) -> (N, d1*d2*...), row-major (C, H, W order)."""
    x = np.asarray(x)
    if x.ndim < 1:
        raise ValueError(f"x must have a batch axis (N, ...), got a scalar of shape {x.shape}")
    return x.reshape(x.shape[0], -1)


def _linear_shapes(x, w):
    check_ndim(x, "x", 2, "(N, in_features)")
    check_ndim(w, "w", 2, "(out_features, in_features)")
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            f"shape mismatch: x {x.shape} has {x.shape[1]} features but w {w.shape} expects "
            f"{w.shape[1]} (w is (out_features, in_features))"
        )


def linear(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Affine map of a batch.

    Args:
        x: input, shape (N, in_features).
        w: weights, shape (out_features, in_features).
        b: optional bias, shape (out_features,).

    Returns:
        (N, out_features) = x @ w.T + b.
    """
    arrays = [("x", x), ("w", w)] + ([("b", b)] if b is not None else [])
    x, w, *rest = as_float_arrays(*arrays)
    _linear_shapes(x, w)
    out = x @ w.T
    if rest:
        if rest[0].shape != (w.shape[0],):
            raise ValueError(
                f"b must have shape ({w.shape[0]},) for w {w.shape}, got {rest[0].shape}"
            )
        out += rest[0]
    return out


def linear_backward(
    dout: np.ndarray, x: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of ``linear``.

    Args:
        dout: upstream gradient, shape (N, out_features).
        x: the forward input, shape (N, in_features).
        w: weights, shape (out_features, in_features).

    Returns:
        (dx, dw, db): dx = dout @ w of shape (N, in_features); dw = dout.T @ x of shape
        (out_features, in_features), summed over the batch; db = dout.sum(0), (out_features,).
    """
    dout, x, w = as_float_arrays(("dout", dout), ("x", x), ("w", w))
    _linear_shapes(x, w)
    if dout.shape != (x.shape[0], w.shape[0]):
        raise ValueError(f"dout must have shape {(x.shape[0], w.shape[0])}, got {dout.shape}")
    return dout @ w, dout.T @ x, dout.sum(axis=0)


def _labels(y, n, num_classes):
    y = np.asarray(y)
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be integer class labels of shape ({n},), got {y.dtype} {y.shape}")
    if n and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes}), got min {y.min()}, max {y.max()}")
    return y


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient.

    Args:
        logits: scores, shape (N, num_classes).
        y: labels, integers of shape (N,) in [0, num_classes).

    Returns:
        (loss, dlogits): loss = -mean_n log softmax(logits)[n, y_n], computed through
        log-sum-exp with the max subtracted so that large logits do not overflow;
        dlogits = (softmax(logits) - onehot(y)) / N, shape (N, num_classes).
    """
    (logits,) = as_float_arrays(("logits", logits))
    check_ndim(logits, "logits", 2, "(N, num_classes)")
    n, num_classes = logits.shape
    if n == 0:
        raise ValueError("logits must hold at least one example, got shape (0, ...)")
    y = _labels(y, n, num_classes)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    dlogits = np.exp(log_probs)
    dlogits[np.arange(n), y] -= 1
    return float(loss), dlogits / n


def mse_loss(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error over every element, and its gradient.

    Args:
        pred: predictions, any shape S.
        target: targets, shape S.

    Returns:
        (loss, dpred): loss = mean((pred - target)^2) (as ``torch.nn.functional.mse_loss``);
        dpred = 2 * (pred - target) / pred.size, shape S.
    """
    pred, target = as_float_arrays(("pred", pred), ("target", target))
    if pred.shape != target.shape:
        raise ValueError(f"pred {pred.shape} and target {target.shape} must have the same shape")
    if pred.size == 0:
        raise ValueError("pred must not be empty")
    diff = pred - target
    return float(np.mean(diff * diff)), 2 * diff / diff.size
