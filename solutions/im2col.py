"""The shared machinery of convolution forward and backward: geometry, padding, im2col.

Every convolution of the course (``channels.conv2d`` and its backward in ``backprop``, the
transposed convolution, the layers) reduces to the same steps, kept here once:

1. ``conv_geometry`` validates the shapes and hyper-parameters and computes every size;
2. ``pad_nchw`` zero-pads the input once (the kernels then index without bounds checks;
   the 3x3 depthwise kernel instead pads each plane in cache, see ``_kernels``);
3. ``columns`` copies each output position's input window into one column (**im2col**), so
   that the convolution of a group becomes one matrix product
   ``(C_out_g, C_g*kh*kw) @ (C_g*kh*kw, Ho*Wo)`` done by BLAS; the backward pass scatters
   columns back with ``_kernels.col2im``.

The columns cost ``N * C_g*kh*kw * Ho*Wo`` numbers: kh*kw times the input for stride 1. They
live in a reused ``scratch`` buffer: a fresh multi-megabyte array page-faults on first touch
(measured on the 2-core machine: filling the columns took 3.4 ms in a new buffer and 0.5 ms in
a reused one).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from solutions import _kernels
from solutions._validate import (
    IntOrPair,
    as_pair,
    check_int,
    check_window_fits,
    conv_padding,
    output_length,
)

Padding = int | tuple[int, int] | str


@dataclass(frozen=True)
class ConvGeometry:
    """Every size of one convolution, validated; shared by forward and backward."""

    batch: int
    in_channels: int
    height: int
    width: int
    out_channels: int
    kh: int
    kw: int
    stride: tuple[int, int]
    dilation: tuple[int, int]
    pads: tuple[int, int, int, int]  # top, bottom, left, right
    groups: int
    ho: int
    wo: int

    @property
    def depthwise(self) -> bool:
        """Each input channel convolved on its own: direct loops beat im2col + tiny GEMMs."""
        return self.groups == self.in_channels and self.groups > 1

    @property
    def group_in(self) -> int:
        return self.in_channels // self.groups

    @property
    def group_out(self) -> int:
        return self.out_channels // self.groups


def conv_geometry(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    stride: IntOrPair,
    padding: Padding,
    dilation: IntOrPair,
    groups: int,
) -> ConvGeometry:
    """Validate a convolution's shapes and hyper-parameters and compute its output size.

    Raises ``ValueError`` naming the offending argument and the shapes involved.
    """
    if len(x_shape) != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got shape {x_shape}")
    if len(w_shape) != 4:
        raise ValueError(f"w must be 4-D (C_out, C_in // groups, kh, kw), got shape {w_shape}")
    stride_ = as_pair(stride, "stride", 1)
    dilation_ = as_pair(dilation, "dilation", 1)
    groups = check_int(groups, "groups", 1)
    n, c, h, w = x_shape
    k, cg, kh, kw = w_shape
    if min(c, k, cg, kh, kw) < 1:
        raise ValueError(f"x {x_shape} and w {w_shape} must have non-empty channels and kernel")
    if c % groups or k % groups:
        raise ValueError(
            f"groups={groups} must divide both input channels ({c}, x {x_shape}) "
            f"and output channels ({k}, w {w_shape})"
        )
    if cg != c // groups:
        raise ValueError(
            f"channel mismatch: x {x_shape} has {c} channels, so with groups={groups} "
            f"w must have shape (C_out, {c // groups}, kh, kw), got {w_shape}"
        )
    pads = conv_padding(padding, (kh, kw), dilation_, stride_)
    check_window_fits("kernel", (h, w), (kh, kw), pads, dilation_)
    ho = output_length(h, kh, pads[0] + pads[1], stride_[0], dilation_[0])
    wo = output_length(w, kw, pads[2] + pads[3], stride_[1], dilation_[1])
    return ConvGeometry(n, c, h, w, k, kh, kw, stride_, dilation_, pads, groups, ho, wo)


def pad_nchw(x: np.ndarray, pads: tuple[int, int, int, int]) -> np.ndarray:
    """Zero-pad the last two axes by (top, bottom, left, right); returns x itself if all zero."""
    top, bottom, left, right = pads
    if not any(pads):
        return x
    *lead, h, w = x.shape
    out = np.zeros((*lead, h + top + bottom, w + left + right), dtype=x.dtype)
    out[..., top : top + h, left : left + w] = x
    return out


_scratch = threading.local()
SCRATCH_LIMIT_BYTES = 256 * 2**20


def scratch(name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A reusable, uninitialised buffer of ``shape`` for an intermediate result.

    One per thread and name (see the module's docstring for why). Buffers above
    ``SCRATCH_LIMIT_BYTES`` are not kept. Never return a scratch buffer to the caller.
    """
    size = math.prod(shape)
    dtype = np.dtype(dtype)
    if size * dtype.itemsize > SCRATCH_LIMIT_BYTES:
        return np.empty(shape, dtype)
    buffers = _scratch.__dict__.setdefault("buffers", {})
    buf = buffers.get((name, dtype))
    if buf is None or buf.size < size:
        buf = buffers[(name, dtype)] = np.empty(size, dtype)
    return buf[:size].reshape(shape)


def columns(xp: np.ndarray, g: ConvGeometry, group: int) -> np.ndarray:
    """im2col for one group of the padded input xp (N, C_in, H+pads, W+pads).

    Returns (N, C_g*kh*kw, Ho*Wo) in a scratch buffer (valid until the next call).
    """
    c0, c1 = group * g.group_in, (group + 1) * g.group_in
    if g.kh == g.kw == 1 and g.stride == (1, 1) and g.groups == 1:
        return xp.reshape(g.batch, g.in_channels, g.ho * g.wo)  # 1x1: the input already is
    cols = scratch("cols", (g.batch, g.group_in * g.kh * g.kw, g.ho * g.wo), xp.dtype)
    sh, sw = g.stride
    dh, dw = g.dilation
    _kernels.im2col(xp, c0, c1, g.kh, g.kw, sh, sw, dh, dw, g.ho, g.wo, cols)
    return cols
