"""Chapter 8, backpropagation: convolution backward and numerical gradient checking.

For ``out = conv2d(x, w, b)`` and an upstream gradient ``dout = dL/dout``:

- ``db[k]  = sum_{n, oh, ow} dout[n, k, oh, ow]``
- ``dw``   = valid cross-correlation of the (padded) input with ``dout``:
  ``dw[k, c, i, j] = sum_{n, oh, ow} dout[n, k, oh, ow] * x_pad[n, c, oh*s + i*d, ow*s + j*d]``
- ``dx``   = full convolution of ``dout`` (dilated by the stride) with the kernel rotated by
  180 degrees, cropped by the padding.

Here both are computed with the same columns as the forward pass: ``dw = dout @ cols^T``
and ``dx = col2im(w^T @ dout)``; the tests check them against PyTorch autograd and against
``numerical_gradient``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from solutions import _kernels
from solutions._validate import IntOrPair, as_float_arrays
from solutions.im2col import Padding, columns, conv_geometry, pad_nchw, scratch


def conv2d_backward(
    dout: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    groups: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of ``conv2d(x, w, b, stride, padding, dilation, groups)``.

    Args:
        dout: upstream gradient, shape (N, C_out, H_out, W_out).
        x: the forward input, shape (N, C_in, H, W).
        w: the forward kernels, shape (C_out, C_in // groups, kh, kw).
        stride, padding, dilation, groups: as in the forward call.

    Returns:
        (dx, dw, db) of shapes (N, C_in, H, W), (C_out, C_in // groups, kh, kw), (C_out,).
    """
    dout, x, w = as_float_arrays(("dout", dout), ("x", x), ("w", w))
    g = conv_geometry(x.shape, w.shape, stride, padding, dilation, groups)
    expected = (g.batch, g.out_channels, g.ho, g.wo)
    if dout.shape != expected:
        raise ValueError(
            f"dout must have the forward output's shape {expected} for x {x.shape} and "
            f"w {w.shape}, got {dout.shape}"
        )
    db = dout.sum(axis=(0, 2, 3))
    xp = np.ascontiguousarray(pad_nchw(x, g.pads))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    sh, sw = g.stride
    dh, dwl = g.dilation
    if g.depthwise:
        dw_per_example = np.zeros((g.batch, *w.shape), dtype=w.dtype)
        _kernels.depthwise_backward(dout, xp, w, sh, sw, dh, dwl, dxp, dw_per_example)
        dw = dw_per_example.sum(axis=0)
    else:
        dout3 = dout.reshape(g.batch, g.out_channels, g.ho * g.wo)
        w2d = w.reshape(g.out_channels, -1)
        for group in range(g.groups):
            k0, k1 = group * g.group_out, (group + 1) * g.group_out
            cols = columns(xp, g, group)
            # dw: one (K_g x L) @ (L x C_g*kh*kw) product per example, summed over the batch.
            dw_g = np.matmul(dout3[:, k0:k1], cols.transpose(0, 2, 1)).sum(axis=0)
            dw[k0:k1] = dw_g.reshape(g.group_out, g.group_in, g.kh, g.kw)
            dcols = scratch("dcols", cols.shape, cols.dtype)
            np.matmul(w2d[k0:k1].T, dout3[:, k0:k1], out=dcols)
            c0, c1 = group * g.group_in, (group + 1) * g.group_in
            _kernels.col2im(dcols, c0, c1, g.kh, g.kw, sh, sw, dh, dwl, g.ho, g.wo, dxp)
    top, _, left, _ = g.pads
    dx = np.ascontiguousarray(dxp[:, :, top : top + g.height, left : left + g.width])
    return dx, dw, db


def numerical_gradient(
    f: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    dout: np.ndarray | float = 1.0,
    eps: float = 1e-5,
) -> np.ndarray:
    """Central-difference gradient of ``sum(f(x) * dout)`` with respect to ``x``.

    Args:
        f: function of x returning an array (or scalar) of any shape S.
        x: point, any shape; must be float64 for meaningful precision. It is perturbed in
            place one entry at a time and restored, so ``f`` may close over it.
        dout: upstream gradient of shape S (or a scalar).
        eps: step; 1e-5 suits float64 (central differences balance truncation, O(eps^2),
            against round-off, O(machine eps / eps), near the cube root of machine eps).

    Returns:
        Array of x's shape: (f(x + eps e_i) - f(x - eps e_i)) . dout / (2 eps) for each i.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"x must be a float ndarray (perturbed in place), got {type(x)}")
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a positive finite number, got {eps}")
    if not x.flags.c_contiguous:
        raise ValueError("x must be C-contiguous so that it can be perturbed in place")
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + eps
        plus = np.sum(np.asarray(f(x)) * dout)
        flat_x[i] = old - eps
        minus = np.sum(np.asarray(f(x)) * dout)
        flat_x[i] = old
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """CS231n's relative error: max |a - b| / max(1e-8, |a| + |b|), elementwise, any shape."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def gradient_check(
    f: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    analytic_dx: np.ndarray,
    dout: np.ndarray | float = 1.0,
    eps: float = 1e-5,
) -> float:
    """Relative error between an analytic gradient and the numerical one.

    Args:
        f: the forward function of x, output shape S.
        x: the point (float64), any shape.
        analytic_dx: your gradient of ``sum(f(x) * dout)`` w.r.t. x, x's shape.
        dout: upstream gradient of shape S (or a scalar).
        eps: finite-difference step.

    Returns:
        ``relative_error(analytic_dx, numerical_gradient(f, x, dout, eps))``: below ~1e-7 in
        float64 means the gradient is right.
    """
    return relative_error(analytic_dx, numerical_gradient(f, x, dout, eps))
