"""Chapter 3, dilation: atrous convolution and the receptive field of a stack.

A dilation ``d`` spaces the kernel's taps ``d`` pixels apart: a k x k kernel then covers
``d*(k-1) + 1`` pixels per axis with the same k*k weights. ``conv2d(..., dilation=d)`` (from
the channels chapter) computes it; ``dilate_kernel`` shows it is an ordinary convolution with
zeros inserted between the taps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from solutions._validate import as_pair, check_int
from solutions.channels import conv2d

__all__ = ["conv2d", "dilate_kernel", "effective_kernel_size", "receptive_field"]


def effective_kernel_size(kernel_size: int, dilation: int = 1) -> int:
    """Span of a dilated kernel along one axis: d*(k - 1) + 1 (e.g. k=3, d=2 spans 5)."""
    k = check_int(kernel_size, "kernel_size", 1)
    d = check_int(dilation, "dilation", 1)
    return d * (k - 1) + 1


def dilate_kernel(w: np.ndarray, dilation: int | tuple[int, int]) -> np.ndarray:
    """Insert d-1 zeros between neighbouring taps of the last two axes.

    Args:
        w: kernel of shape (..., kh, kw).
        dilation: int or (d_h, d_w), each >= 1.

    Returns:
        (..., d_h*(kh-1)+1, d_w*(kw-1)+1): ``conv2d(x, w, dilation=d)`` equals
        ``conv2d(x, dilate_kernel(w, d))``.
    """
    w = np.asarray(w)
    if w.ndim < 2:
        raise ValueError(f"w must have at least 2 axes (..., kh, kw), got shape {w.shape}")
    dh, dw = as_pair(dilation, "dilation", 1)
    kh, kw = w.shape[-2:]
    out = np.zeros((*w.shape[:-2], dh * (kh - 1) + 1, dw * (kw - 1) + 1), dtype=w.dtype)
    out[..., ::dh, ::dw] = w
    return out


def receptive_field(layers: Iterable[Sequence[int]]) -> int:
    """Receptive field, along one axis, of one output unit of a stack of layers.

    Args:
        layers: (kernel, stride, dilation) per layer, first layer first; (kernel, stride) and
            (kernel,) mean dilation 1 and stride 1. Pooling layers count as layers.

    Returns:
        r_L, where r_0 = 1, j_0 = 1 and for each layer r += d*(k-1)*j, then j *= s
        (j is the distance in input pixels between neighbouring units of the current layer).
        e.g. three 3x3 layers: 7; kernels 3 with dilations 1, 2, 4: 15.
    """
    r, jump = 1, 1
    for index, layer in enumerate(layers):
        spec = tuple(layer)
        if not 1 <= len(spec) <= 3:
            raise ValueError(f"layers[{index}] must be (kernel, stride, dilation), got {layer!r}")
        k = check_int(spec[0], f"layers[{index}] kernel", 1)
        s = check_int(spec[1], f"layers[{index}] stride", 1) if len(spec) > 1 else 1
        d = check_int(spec[2], f"layers[{index}] dilation", 1) if len(spec) > 2 else 1
        r += d * (k - 1) * jump
        jump *= s
    return r
