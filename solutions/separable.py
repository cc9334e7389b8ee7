"""Chapter 4, separable convolution: depthwise, pointwise, and both in a row.

A standard k x k convolution from C_in to C_out channels has C_out*C_in*k*k weights. A
depthwise-separable one filters each channel on its own (C_in*k*k weights, ``groups=C_in``)
and then mixes channels with a 1x1 convolution (C_out*C_in weights): for 4 filters over 3
channels and 3x3 kernels, 108 weights become 27 + 12 = 39.
"""

from __future__ import annotations

import numpy as np

from solutions._validate import IntOrPair, as_float_arrays, check_ndim
from solutions.channels import conv1x1, conv2d
from solutions.im2col import Padding


def depthwise_conv2d(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
) -> np.ndarray:
    """Convolve each input channel with its own kernel(s): ``conv2d`` with ``groups=C_in``.

    Args:
        x: input, shape (N, C, H, W).
        w: kernels, shape (C*M, 1, kh, kw); output channel k reads input channel k // M
            (M is the depth multiplier, usually 1).
        b: optional bias, shape (C*M,).
        stride, padding, dilation: as in ``conv2d``.

    Returns:
        (N, C*M, H_out, W_out).
    """
    x = np.asarray(x)
    check_ndim(x, "x", 4, "(N, C, H, W)")
    w = np.asarray(w)
    check_ndim(w, "w", 4, "(C*M, 1, kh, kw)")
    if w.shape[1] != 1 or w.shape[0] % max(x.shape[1], 1):
        raise ValueError(
            f"depthwise w must have shape (C*M, 1, kh, kw) with C={x.shape[1]} from x "
            f"{x.shape}, got {w.shape}"
        )
    return conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=x.shape[1])


def pointwise_conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """1x1 convolution mixing channels: x (N, C_in, H, W), w (C_out, C_in, 1, 1) or
    (C_out, C_in), b (C_out,) -> (N, C_out, H, W)."""
    return conv1x1(x, w, b)


def separable_conv2d(
    x: np.ndarray,
    w_depthwise: np.ndarray,
    w_pointwise: np.ndarray,
    b_depthwise: np.ndarray | None = None,
    b_pointwise: np.ndarray | None = None,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
) -> np.ndarray:
    """Depthwise convolution followed by a pointwise (1x1) one.

    Args:
        x: input, shape (N, C_in, H, W).
        w_depthwise: (C_in*M, 1, kh, kw); b_depthwise: (C_in*M,) or None.
        w_pointwise: (C_out, C_in*M, 1, 1) or (C_out, C_in*M); b_pointwise: (C_out,) or None.
        stride, padding, dilation: of the depthwise step.

    Returns:
        (N, C_out, H_out, W_out).
    """
    (x,) = as_float_arrays(("x", x))
    mid = depthwise_conv2d(x, w_depthwise, b_depthwise, stride, padding, dilation)
    return pointwise_conv2d(mid, w_pointwise, b_pointwise)
