"""Winograd's F(2x2, 3x3): a 3x3, stride-1 convolution with 2.25 times fewer multiplications.

Each 2x2 block of outputs needs 16 multiplications per (input, output) channel pair instead
of 36: the 4x4 input tile and the 3x3 kernel are moved into a 4x4 "Winograd domain"
(V = B^T d B, U = G g G^T) where the convolution is an elementwise product, summed over the
input channels, which for all tiles at once is 16 matrix products (K x C) @ (C x tiles);
the 2x2 output tile comes back as A^T M A. The matrices are Lavin and Gray's (2016).
"""

from __future__ import annotations

import math

import numpy as np

from solutions import _kernels
from solutions.im2col import scratch

# F(2x2, 3x3): Y = A^T [(G g G^T) * (B^T d B)] A
B_T = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], dtype=np.float64)
G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]], dtype=np.float64)
A_T = np.array([[1, 1, 1, 0], [0, 1, -1, -1]], dtype=np.float64)


def winograd3x3(
    x: np.ndarray, w: np.ndarray, pads: tuple[int, int, int, int], dilation: tuple[int, int]
) -> np.ndarray:
    """Cross-correlate x, zero-padded, with 3x3 kernels, stride 1, one group.

    Args:
        x: input, shape (N, C, H, W), float32 or float64.
        w: kernels, shape (K, C, 3, 3), x's dtype.
        pads: (top, bottom, left, right) zeros around x.
        dilation: (d_h, d_w); each of the d_h * d_w phases of the image is tiled alone.

    Returns:
        (N, K, Ho, Wo), Ho = H + top + bottom - 2 d_h (likewise Wo):
        out[n, k, i, j] = sum over c, u, v of w[k, c, u, v] * xpad[n, c, i + d_h u, j + d_w v].
    """
    n_batch, n_ch, height, width = x.shape
    n_out = w.shape[0]
    top, bottom, left, right = pads
    dh, dw = dilation
    ho, wo = height + top + bottom - 2 * dh, width + left + right - 2 * dw
    # 2x2 output tiles within a phase, which holds ceil(ho / dh) rows (likewise columns)
    tiles_h = math.ceil(math.ceil(ho / dh) / 2)
    tiles_w = math.ceil(math.ceil(wo / dw) / 2)
    # zeros far enough below and right that every tile's 4x4 read lies inside; the
    # intermediates live in reused scratch buffers (fresh pages cost more than the work here)
    xp = scratch(
        "winograd_x", (n_batch, n_ch, dh * (2 * tiles_h + 2), dw * (2 * tiles_w + 2)), x.dtype
    )
    xp.fill(0)
    xp[:, :, top : top + height, left : left + width] = x
    n_tiles = n_batch * dh * dw * tiles_h * tiles_w
    # U = G g G^T per (k, c), laid out (16, K, C) for the products
    gg = np.matmul(np.matmul(G.astype(x.dtype), w), G.T.astype(x.dtype))  # (K, C, 4, 4)
    u = np.ascontiguousarray(gg.reshape(n_out, n_ch, 16).transpose(2, 0, 1))
    v = scratch("winograd_v", (16, n_ch, n_tiles), x.dtype)
    _kernels.winograd_input_transform(xp, dh, dw, tiles_h, tiles_w, v)
    m = scratch("winograd_m", (16, n_out, n_tiles), x.dtype)
    np.matmul(u, v, out=m)  # (16, K, tiles): the convolution, summed over input channels
    out = np.empty((n_batch, n_out, ho, wo), dtype=x.dtype)
    _kernels.winograd_output_transform(m, dh, dw, tiles_h, tiles_w, out)
    return out
