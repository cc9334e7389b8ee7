"""Chapter 6, pooling: max and average pooling over each channel, and their backward.

Conventions are PyTorch's defaults: stride defaults to the kernel size; max pooling pads with
-inf (padding never wins); average pooling counts padded zeros in the divisor
(``count_include_pad=True``); output sizes round down; padding is at most half the kernel.

Backward of max pooling routes each output gradient to the one input cell that produced the
maximum (the first one on ties) — not to every cell of the window, a mistake found in some
well-known derivations. Backward of average pooling spreads it evenly, 1/(kh*kw) each.
"""

from __future__ import annotations

import numpy as np

from solutions import _kernels
from solutions._validate import (
    IntOrPair,
    as_float_arrays,
    as_pair,
    check_ndim,
    check_window_fits,
    output_length,
)

Pool = tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]


def pool_geometry(
    x_shape: tuple[int, ...],
    kernel_size: IntOrPair,
    stride: IntOrPair | None,
    padding: IntOrPair,
) -> Pool:
    """Validate pooling arguments; return (kernel, stride, padding, output size) as pairs."""
    if len(x_shape) != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got shape {x_shape}")
    kernel = as_pair(kernel_size, "kernel_size", 1)
    stride_ = kernel if stride is None else as_pair(stride, "stride", 1)
    pad = as_pair(padding, "padding", 0)
    if pad[0] > kernel[0] // 2 or pad[1] > kernel[1] // 2:
        raise ValueError(
            f"padding {pad} must be at most half the kernel size {kernel} "
            "(a window made only of padding has no value)"
        )
    h, w = x_shape[2], x_shape[3]
    check_window_fits("pooling window", (h, w), kernel, (pad[0], pad[0], pad[1], pad[1]))
    out = (
        output_length(h, kernel[0], 2 * pad[0], stride_[0], 1),
        output_length(w, kernel[1], 2 * pad[1], stride_[1], 1),
    )
    return kernel, stride_, pad, out


def _max_pool(x, kernel_size, stride, padding):
    kernel, stride_, pad, (ho, wo) = pool_geometry(x.shape, kernel_size, stride, padding)
    out = np.empty((x.shape[0], x.shape[1], ho, wo), dtype=x.dtype)
    indices = np.empty(out.shape, dtype=np.int64)
    if kernel == stride_ == (2, 2) and pad == (0, 0):
        _kernels.max_pool_forward_2x2(x, out, indices)
    else:
        _kernels.max_pool_forward(x, *kernel, *stride_, *pad, out, indices)
    return out, indices


def max_pool2d(
    x: np.ndarray,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    return_indices: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Maximum over each kh x kw window, channel by channel.

    Args:
        x: input, shape (N, C, H, W).
        kernel_size: int or (kh, kw).
        stride: int or pair; defaults to kernel_size.
        padding: int or pair, at most half the kernel; padded cells are -inf.
        return_indices: also return where each maximum was, as PyTorch does.

    Returns:
        out of shape (N, C, H_out, W_out), H_out = floor((H + 2p - kh) / s) + 1; with
        ``return_indices``, also indices (N, C, H_out, W_out), int64, the flat position
        h*W + w of each window's first maximum in its (H, W) plane.
    """
    (x,) = as_float_arrays(("x", x))
    check_ndim(x, "x", 4, "(N, C, H, W)")
    out, indices = _max_pool(x, kernel_size, stride, padding)
    return (out, indices) if return_indices else out


def max_pool2d_backward(
    dout: np.ndarray,
    x: np.ndarray,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    indices: np.ndarray | None = None,
) -> np.ndarray:
    """Gradient of ``max_pool2d`` with respect to x.

    Args:
        dout: upstream gradient, shape (N, C, H_out, W_out).
        x: the forward input, shape (N, C, H, W).
        kernel_size, stride, padding: as in the forward call.
        indices: optional, from ``max_pool2d(..., return_indices=True)``, shape
            (N, C, H_out, W_out); saves finding the maxima again.

    Returns:
        dx of shape (N, C, H, W): each dout entry added to the cell holding its window's
        first maximum; every other cell gets nothing from that window.
    """
    dout, x = as_float_arrays(("dout", dout), ("x", x))
    check_ndim(x, "x", 4, "(N, C, H, W)")
    if indices is None:
        _, indices = _max_pool(x, kernel_size, stride, padding)
    else:
        _, _, _, (ho, wo) = pool_geometry(x.shape, kernel_size, stride, padding)
        indices = np.asarray(indices)
        if indices.shape != (*x.shape[:2], ho, wo) or indices.dtype != np.int64:
            raise ValueError(
                f"indices must be int64 of shape {(*x.shape[:2], ho, wo)} (from "
                f"max_pool2d(..., return_indices=True)), got {indices.dtype} {indices.shape}"
            )
        indices = np.ascontiguousarray(indices)
    if dout.shape != indices.shape:
        raise ValueError(f"dout must have shape {indices.shape} for x {x.shape}, got {dout.shape}")
    dx = np.empty_like(x)  # the kernel zeroes each plane
    if _kernels.max_pool_backward(dout, indices, dx):
        plane = x.shape[2] * x.shape[3]
        raise ValueError(f"indices must lie in [0, H*W = {plane}) for x {x.shape}")
    return dx


def avg_pool2d(
    x: np.ndarray,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
) -> np.ndarray:
    """Mean over each kh x kw window, channel by channel (padded zeros count in the mean).

    Args:
        x: input, shape (N, C, H, W).
        kernel_size: int or (kh, kw).
        stride: int or pair; defaults to kernel_size.
        padding: int or pair, at most half the kernel.

    Returns:
        (N, C, H_out, W_out), H_out = floor((H + 2p - kh) / s) + 1.
    """
    (x,) = as_float_arrays(("x", x))
    check_ndim(x, "x", 4, "(N, C, H, W)")
    kernel, stride_, pad, (ho, wo) = pool_geometry(x.shape, kernel_size, stride, padding)
    out = np.empty((x.shape[0], x.shape[1], ho, wo), dtype=x.dtype)
    _kernels.avg_pool_forward(x, *kernel, *stride_, *pad, out)
    return out


def avg_pool2d_backward(
    dout: np.ndarray,
    x: np.ndarray,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
) -> np.ndarray:
    """Gradient of ``avg_pool2d`` with respect to x.

    Args:
        dout: upstream gradient, shape (N, C, H_out, W_out).
        x: the forward input, shape (N, C, H, W) (only its shape and dtype are used).
        kernel_size, stride, padding: as in the forward call.

    Returns:
        dx of shape (N, C, H, W): every cell receives dout / (kh*kw) from each window
        containing it.
    """
    dout, x = as_float_arrays(("dout", dout), ("x", x))
    check_ndim(x, "x", 4, "(N, C, H, W)")
    kernel, stride_, pad, (ho, wo) = pool_geometry(x.shape, kernel_size, stride, padding)
    if dout.shape != (x.shape[0], x.shape[1], ho, wo):
        raise ValueError(
            f"dout must have shape {(x.shape[0], x.shape[1], ho, wo)} for x {x.shape}, "
            f"got {dout.shape}"
        )
    dx = np.empty_like(x)  # the kernel zeroes each plane
    _kernels.avg_pool_backward(dout, *kernel, *stride_, *pad, dx)
    return dx
