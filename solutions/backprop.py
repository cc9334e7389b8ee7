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
from typing import NamedTuple

import numpy as np

from solutions import _kernels
from solutions._validate import IntOrPair, as_float_arrays, as_pair, check_int, check_ndim
from solutions.channels import conv2d
from solutions.im2col import Padding, columns, conv_geometry, pad_nchw, scratch


def conv2d_backward(
    dout: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    groups: int = 1,
    input_grad: bool = True,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients of ``conv2d(x, w, b, stride, padding, dilation, groups)``.

    Args:
        dout: upstream gradient, shape (N, C_out, H_out, W_out).
        x: the forward input, shape (N, C_in, H, W).
        w: the forward kernels, shape (C_out, C_in // groups, kh, kw).
        stride, padding, dilation, groups: as in the forward call.
        input_grad: ``False`` skips dx (returned as ``None``), as PyTorch does for an input
            that does not require a gradient: a network's first layer, whose input is the
            data (on LeNet-5's first layer, 2.8 -> 1.3 ms per batch of 64).

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
    # the depthwise kernel computes dx and dw in one pass, so it always gets dxp
    dxp = np.zeros_like(xp) if input_grad or g.depthwise else None
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
            if not input_grad:
                continue
            dcols = scratch("dcols", cols.shape, cols.dtype)
            np.matmul(w2d[k0:k1].T, dout3[:, k0:k1], out=dcols)
            c0, c1 = group * g.group_in, (group + 1) * g.group_in
            _kernels.col2im(dcols, c0, c1, g.kh, g.kw, sh, sw, dh, dwl, g.ho, g.wo, dxp)
    if not input_grad:
        return None, dw, db
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


# --- transposed convolution --------------------------------------------------------------------
#
# A convolution C maps z (N, C_out, Ho, Wo) to C(z) (N, C_in, H, W) with kernels w of shape
# (C_in, C_out // groups, kh, kw). The transposed convolution is the adjoint map C^T: it takes
# x (N, C_in, H, W) to (N, C_out, Ho, Wo). Its forward pass is therefore exactly the input
# gradient of C (conv2d_backward's dx with dout = x), and its backward pass is C itself for dx
# and C's weight gradient for dw. Nothing new is computed: three existing operations suffice.


class _TransposeGeometry(NamedTuple):
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    groups: int
    out_hw: tuple[int, int]  # the transposed convolution's output size (Ho, Wo)
    conv_hw: tuple[int, int]  # the size the forward convolution C gives on (Ho, Wo): >= (H, W)


def _transpose_geometry(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    stride: IntOrPair,
    padding: IntOrPair,
    output_padding: IntOrPair,
    groups: int,
    dilation: IntOrPair,
) -> _TransposeGeometry:
    """Validate a transposed convolution's arguments (ValueError naming the argument)."""
    if len(x_shape) != 4:
        raise ValueError(f"x must be 4-D (N, C_in, H, W), got shape {x_shape}")
    if len(w_shape) != 4:
        raise ValueError(f"w must be 4-D (C_in, C_out // groups, kh, kw), got shape {w_shape}")
    s = as_pair(stride, "stride", 1)
    if isinstance(padding, str):
        raise ValueError(f"padding must be an int or a pair of ints, got {padding!r}")
    p = as_pair(padding, "padding", 0)
    op = as_pair(output_padding, "output_padding", 0)
    d = as_pair(dilation, "dilation", 1)
    groups = check_int(groups, "groups", 1)
    _, c_in, h, wd = x_shape
    wc, cg, kh, kw = w_shape
    if min(c_in, cg, kh, kw) < 1:
        raise ValueError(f"x {x_shape} and w {w_shape} must have non-empty channels and kernel")
    if c_in % groups:
        raise ValueError(f"groups={groups} must divide the input channels ({c_in}, x {x_shape})")
    if wc != c_in:
        raise ValueError(
            f"channel mismatch: x {x_shape} has {c_in} channels, so w must have shape "
            f"({c_in}, C_out // groups, kh, kw), got {w_shape}"
        )
    for axis in range(2):
        if not (op[axis] < s[axis] or op[axis] < d[axis]):
            raise ValueError(
                f"output_padding {op} must be smaller than either stride {s} or dilation {d} "
                f"(axis {axis})"
            )
    out_hw, conv_hw = [], []
    for n, k, si, pi, opi, di in zip((h, wd), (kh, kw), s, p, op, d, strict=True):
        size = (n - 1) * si - 2 * pi + di * (k - 1) + opi + 1
        if size < 1:
            raise ValueError(
                f"output size (n-1)*s - 2p + d(k-1) + output_padding + 1 = {size} < 1 for x "
                f"{x_shape}, w {w_shape}, stride {s}, padding {p}, output_padding {op}, "
                f"dilation {d}"
            )
        out_hw.append(size)
        conv_hw.append(((n - 1) * si + opi) // si + 1)
    return _TransposeGeometry(s, p, d, groups, tuple(out_hw), tuple(conv_hw))


def _pad_to(x: np.ndarray, hw: tuple[int, int]) -> np.ndarray:
    """Zero rows/columns at the bottom/right of x up to (H, W) = hw (x itself if already so)."""
    if x.shape[2:] == hw:
        return x
    out = np.zeros((*x.shape[:2], *hw), dtype=x.dtype)
    out[:, :, : x.shape[2], : x.shape[3]] = x
    return out


def conv_transpose2d(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    output_padding: IntOrPair = 0,
    groups: int = 1,
    dilation: IntOrPair = 1,
) -> np.ndarray:
    """Transposed convolution, as ``torch.nn.functional.conv_transpose2d``.

    Every input pixel x[n, c, i, j] adds ``x[n, c, i, j] * w[c, :, :, :]`` (its group's output
    channels) into the output at rows ``i*s_h - p_h + a*d_h`` and columns
    ``j*s_w - p_w + b*d_w``. That is the adjoint of ``conv2d(., w, stride, padding, dilation,
    groups)`` read with w's first axis as the convolution's output channels, so it is computed
    as that convolution's input gradient: ``conv2d_backward(x, z, w, ...)[0]`` for any z of
    the output's shape (z only gives the size).

    Args:
        x: input, shape (N, C_in, H, W).
        w: kernels, shape (C_in, C_out // groups, kh, kw) (PyTorch's layout for transposed
            convolutions: input channels first).
        b: optional bias, shape (C_out,).
        stride, padding, dilation: int or pair; padding removes rows/columns from both sides
            of the full output.
        output_padding: int or pair, rows/columns added at the bottom/right; each must be
            smaller than the stride or the dilation of its axis (PyTorch's rule).
        groups: C_in and C_out split into this many independent groups.

    Returns:
        (N, C_out, H_out, W_out) with
        H_out = (H - 1)*s_h - 2*p_h + d_h*(kh - 1) + output_padding_h + 1 (likewise W_out),
        in the inputs' float dtype.
    """
    if b is None:
        x, w = as_float_arrays(("x", x), ("w", w))
    else:
        x, w, b = as_float_arrays(("x", x), ("w", w), ("b", b))
    g = _transpose_geometry(x.shape, w.shape, stride, padding, output_padding, groups, dilation)
    c_out = w.shape[1] * g.groups
    if b is not None and b.shape != (c_out,):
        raise ValueError(f"b must have shape ({c_out},) for w {w.shape}, got {b.shape}")
    # The convolution C of the output's size may give more rows than H when output_padding >=
    # stride (allowed when it is below the dilation): those rows of C's output receive zeros.
    z = np.zeros((x.shape[0], c_out, *g.out_hw), dtype=x.dtype)
    out = conv2d_backward(_pad_to(x, g.conv_hw), z, w, g.stride, g.padding, g.dilation, g.groups)[0]
    if b is not None:
        out += b[None, :, None, None]
    return out


def conv_transpose2d_backward(
    dout: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    output_padding: IntOrPair = 0,
    groups: int = 1,
    dilation: IntOrPair = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of ``conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation)``.

    The transposed convolution is the adjoint C^T of the convolution C = ``conv2d(., w,
    stride, padding, dilation, groups)``, so its input gradient is C applied to dout
    (``conv2d(dout, w, ...)``, cropped to x's size), and its weight gradient is C's weight
    gradient with the roles swapped: C's input is dout and C's upstream gradient is x
    (``conv2d_backward(x, dout, w, ...)[1]``). db sums dout over the batch and positions.

    Args:
        dout: upstream gradient, shape (N, C_out, H_out, W_out) of the forward output.
        x: the forward input, shape (N, C_in, H, W).
        w: the forward kernels, shape (C_in, C_out // groups, kh, kw).
        stride, padding, output_padding, groups, dilation: as in the forward call.

    Returns:
        (dx, dw, db) of shapes (N, C_in, H, W), (C_in, C_out // groups, kh, kw), (C_out,).
    """
    dout, x, w = as_float_arrays(("dout", dout), ("x", x), ("w", w))
    g = _transpose_geometry(x.shape, w.shape, stride, padding, output_padding, groups, dilation)
    check_ndim(dout, "dout", 4, "(N, C_out, H_out, W_out)")
    expected = (x.shape[0], w.shape[1] * g.groups, *g.out_hw)
    if dout.shape != expected:
        raise ValueError(
            f"dout must have the forward output's shape {expected} for x {x.shape} and "
            f"w {w.shape}, got {dout.shape}"
        )
    h, wd = x.shape[2:]
    dx = conv2d(dout, w, None, g.stride, g.padding, g.dilation, g.groups)
    dx = np.ascontiguousarray(dx[:, :, :h, :wd])
    xc = _pad_to(x, g.conv_hw)
    _, dw, _ = conv2d_backward(xc, dout, w, g.stride, g.padding, g.dilation, g.groups)
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db
