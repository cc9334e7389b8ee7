"""Chapter 1, convolution: single-channel cross-correlation, true convolution, padding, sizes.

Deep-learning "convolution" is a cross-correlation: the kernel slides over the input without
being flipped. A true convolution flips the kernel both ways first, so
``convolve2d(x, k) == corr2d(x, k[::-1, ::-1])`` on the same padded input.
"""

from __future__ import annotations

import numpy as np

from solutions._validate import (
    as_float_arrays,
    as_pair,
    check_int,
    check_ndim,
    check_window_fits,
    output_length,
    same_padding,
)
from solutions.channels import conv2d

PadSpec = int | tuple[int, int] | tuple[int, int, int, int]


def corr2d(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Valid 2-D cross-correlation of one channel.

    Args:
        x: input, shape (H, W).
        k: kernel, shape (kh, kw), no larger than x.

    Returns:
        (H - kh + 1, W - kw + 1) with out[i, j] = sum_{a, b} x[i + a, j + b] * k[a, b].
    """
    x, k = as_float_arrays(("x", x), ("k", k))
    check_ndim(x, "x", 2, "(H, W)")
    check_ndim(k, "k", 2, "(kh, kw)")
    if min(k.shape) < 1:
        raise ValueError(f"k must be non-empty, got shape {k.shape}")
    check_window_fits("kernel k", x.shape, k.shape, (0, 0, 0, 0))
    return conv2d(x[None, None], k[None, None])[0, 0]


def pad2d(x: np.ndarray, padding: PadSpec) -> np.ndarray:
    """Zero-pad the last two axes.

    Args:
        x: array of shape (..., H, W); its dtype is kept.
        padding: int p (all sides), pair (p_h, p_w), or (top, bottom, left, right).

    Returns:
        (..., H + top + bottom, W + left + right), x in the middle, zeros around.
    """
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 axes (..., H, W), got shape {x.shape}")
    if isinstance(padding, tuple | list) and len(padding) == 4:
        pads = tuple(check_int(p, f"padding[{i}]", 0) for i, p in enumerate(padding))
    else:
        ph, pw = as_pair(padding, "padding", 0)
        pads = (ph, ph, pw, pw)
    top, bottom, left, right = pads
    out = np.zeros((*x.shape[:-2], x.shape[-2] + top + bottom, x.shape[-1] + left + right), x.dtype)
    out[..., top : top + x.shape[-2], left : left + x.shape[-1]] = x
    return out


def convolve2d(x: np.ndarray, k: np.ndarray, mode: str = "valid") -> np.ndarray:
    """True 2-D convolution (kernel flipped both ways) of one channel.

    Args:
        x: input, shape (H, W).
        k: kernel, shape (kh, kw).
        mode: ``"valid"`` pads nothing: (H - kh + 1, W - kw + 1);
            ``"full"`` pads kh-1 / kw-1 on every side: (H + kh - 1, W + kw - 1);
            ``"same"`` keeps (H, W), padding top (kh-1)//2 and bottom kh-1-top (likewise
            left/right): for an even kernel the extra row/column goes bottom/right, as
            PyTorch's ``padding="same"``. (SciPy's ``convolve2d(mode="same")`` centres even
            kernels the other way, so the two differ by one pixel for even kernels.)

    Returns:
        The convolution, shape as given per mode.
    """
    x, k = as_float_arrays(("x", x), ("k", k))
    check_ndim(x, "x", 2, "(H, W)")
    check_ndim(k, "k", 2, "(kh, kw)")
    if min(k.shape) < 1:
        raise ValueError(f"k must be non-empty, got shape {k.shape}")
    kh, kw = k.shape
    if mode == "valid":
        pads = (0, 0, 0, 0)
    elif mode == "full":
        pads = (kh - 1, kh - 1, kw - 1, kw - 1)
    elif mode == "same":
        pads = same_padding((kh, kw), (1, 1))
    else:
        raise ValueError(f'mode must be "valid", "same" or "full", got {mode!r}')
    check_window_fits("kernel k", x.shape, k.shape, pads)
    return corr2d(pad2d(x, pads), k[::-1, ::-1])


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> int:
    """Output length of a convolution or pooling along one axis.

    floor((n + 2*padding - dilation*(k - 1) - 1) / stride) + 1

    e.g. n=5, k=3, padding=1, stride=1 gives 5; n=4, k=2 gives 3.
    Raises ``ValueError`` when the dilated kernel is larger than the padded input.
    """
    n = check_int(n, "n", 1)
    k = check_int(k, "k", 1)
    padding = check_int(padding, "padding", 0)
    stride = check_int(stride, "stride", 1)
    dilation = check_int(dilation, "dilation", 1)
    if dilation * (k - 1) + 1 > n + 2 * padding:
        raise ValueError(
            f"kernel k={k} with dilation={dilation} spans {dilation * (k - 1) + 1}, more than "
            f"the padded input n + 2*padding = {n + 2 * padding}"
        )
    return output_length(n, k, 2 * padding, stride, dilation)
