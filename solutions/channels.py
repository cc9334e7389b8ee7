"""Chapter 2, channels: multi-channel convolution with bias, 1x1 convolution, cost.

``conv2d`` here is the one general convolution of the course (stride, padding, dilation and
groups); the dilation and separable chapters call it with their own arguments. It computes a
cross-correlation, like ``torch.nn.functional.conv2d`` and every deep-learning library:

    out[n, k, oh, ow] = b[k] + sum_{c, i, j} w[k, c, i, j]
                              * x_padded[n, g*C_g + c, oh*s_h + i*d_h, ow*s_w + j*d_w]

where ``g`` is the group of output channel ``k``. The input windows are copied into columns
(``im2col``, a Numba loop) and multiplied by the flattened kernels with one BLAS call.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from solutions import _kernels
from solutions._validate import IntOrPair, as_float_arrays, as_pair, check_int, check_ndim
from solutions.im2col import Padding, columns, conv_geometry, pad_nchw


def _check_bias(b: np.ndarray, out_channels: int, w_shape: tuple[int, ...]) -> None:
    if b.shape != (out_channels,):
        raise ValueError(f"b must have shape ({out_channels},) for w {w_shape}, got {b.shape}")


def conv2d(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    groups: int = 1,
) -> np.ndarray:
    """2-D convolution (cross-correlation) of a batch, as ``torch.nn.functional.conv2d``.

    Args:
        x: input, shape (N, C_in, H, W).
        w: kernels, shape (C_out, C_in // groups, kh, kw).
        b: optional bias, shape (C_out,).
        stride: int or (s_h, s_w), each >= 1.
        padding: int, (p_h, p_w), ``"valid"`` (no padding) or ``"same"`` (stride 1 only;
            the odd extra row/column goes bottom/right, like PyTorch).
        dilation: int or (d_h, d_w), each >= 1: spacing between kernel taps.
        groups: split channels into this many independent groups (``groups == C_in`` is a
            depthwise convolution).

    Returns:
        Output of shape (N, C_out, H_out, W_out) with
        H_out = floor((H + p_top + p_bottom - d_h*(kh-1) - 1) / s_h) + 1 (likewise W_out),
        in the inputs' float dtype.
    """
    if b is None:
        x, w = as_float_arrays(("x", x), ("w", w))
    else:
        x, w, b = as_float_arrays(("x", x), ("w", w), ("b", b))
    g = conv_geometry(x.shape, w.shape, stride, padding, dilation, groups)
    if b is not None:
        _check_bias(b, g.out_channels, w.shape)
    if g.depthwise and (g.kh, g.kw, g.stride[1]) == (3, 3, 1):  # pads inside the kernel
        out = np.empty((g.batch, g.out_channels, g.ho, g.wo), dtype=x.dtype)
        _kernels.depthwise3x3_forward(x, w, g.stride[0], *g.dilation, *g.pads, out)
        if b is not None:
            out += b[None, :, None, None]
        return out
    xp = pad_nchw(x, g.pads)
    if g.depthwise:
        out = np.zeros((g.batch, g.out_channels, g.ho, g.wo), dtype=x.dtype)
        _kernels.depthwise_forward(xp, w, *g.stride, *g.dilation, out)
    else:
        out = np.empty((g.batch, g.out_channels, g.ho * g.wo), dtype=x.dtype)
        w2d = w.reshape(g.out_channels, -1)
        for group in range(g.groups):
            k0, k1 = group * g.group_out, (group + 1) * g.group_out
            np.matmul(w2d[k0:k1], columns(xp, g, group), out=out[:, k0:k1])
        out = out.reshape(g.batch, g.out_channels, g.ho, g.wo)
    if b is not None:
        out += b[None, :, None, None]
    return out


def conv1x1(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """1x1 convolution written as what it is: a matrix product over channels at every pixel.

    Args:
        x: input, shape (N, C_in, H, W).
        w: weights, shape (C_out, C_in) or (C_out, C_in, 1, 1).
        b: optional bias, shape (C_out,).

    Returns:
        (N, C_out, H, W) with out[n, :, h, w] = w @ x[n, :, h, w] + b.
    """
    arrays = [("x", x), ("w", w)] + ([("b", b)] if b is not None else [])
    x, w, *rest = as_float_arrays(*arrays)
    check_ndim(x, "x", 4, "(N, C, H, W)")
    if w.ndim == 4 and w.shape[2:] == (1, 1):
        w = w.reshape(w.shape[0], w.shape[1])
    if w.ndim != 2:
        raise ValueError(f"w must have shape (C_out, C_in) or (C_out, C_in, 1, 1), got {w.shape}")
    n, c, h, width = x.shape
    if w.shape[1] != c:
        raise ValueError(f"channel mismatch: x {x.shape} has {c} channels but w is {w.shape}")
    out = np.matmul(w, x.reshape(n, c, h * width)).reshape(n, w.shape[0], h, width)
    if rest:
        _check_bias(rest[0], w.shape[0], w.shape)
        out += rest[0][None, :, None, None]
    return out


class ConvCost(NamedTuple):
    """Size and work of one convolution layer, per example."""

    params: int
    mult_adds: int


def conv2d_cost(
    c_in: int,
    c_out: int,
    kernel_size: IntOrPair,
    output_size: IntOrPair,
    groups: int = 1,
    bias: bool = True,
) -> ConvCost:
    """Parameters and multiply-adds of a convolution layer for one example.

    params    = c_out * (c_in / groups) * kh * kw (+ c_out for the bias)
    mult_adds = c_out * (c_in / groups) * kh * kw * H_out * W_out

    e.g. 4 filters of 3x3 on 3 channels: 108 weights; depthwise 3x3 (27) + pointwise 1x1 to
    4 channels (12) gives 39.
    """
    c_in = check_int(c_in, "c_in", 1)
    c_out = check_int(c_out, "c_out", 1)
    groups = check_int(groups, "groups", 1)
    kh, kw = as_pair(kernel_size, "kernel_size", 1)
    oh, ow = as_pair(output_size, "output_size", 1)
    if c_in % groups or c_out % groups:
        raise ValueError(f"groups={groups} must divide c_in={c_in} and c_out={c_out}")
    weights = c_out * (c_in // groups) * kh * kw
    return ConvCost(params=weights + (c_out if bias else 0), mult_adds=weights * oh * ow)
