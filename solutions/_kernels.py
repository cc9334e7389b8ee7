"""Numba kernels behind the public functions.

Every kernel here trusts its arguments: shapes, dtypes and hyper-parameters are checked by
the Python layer (``solutions._validate``) before a kernel is called. Kernels write into
output arrays they are handed, so the caller chooses the dtype (float32 or float64) and the
compiled signature follows it.

Why these loops look the way they do (measured, see FACTS.md): 1-D row views in the innermost
loop vectorise, and a unit-stride branch lets them (a runtime stride does not); ``prange`` is
used only in kernels that call no BLAS (depthwise, pooling), never around a GEMM; the first
arg-max is stored on ties, as PyTorch does.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

# --- row helpers: the innermost loops ------------------------------------------------------
# Each indexes its rows with the bare loop variable. Written as ``row[offset + t]`` Numba must
# allow for a negative index (wrap-around), which blocks vectorisation: 3-4x slower, measured.
# The callers slice the rows first; a step-1 slice keeps the contiguous layout. They are
# inlined into the caller's IR (a plain call to another jitted function was 2.5x slower).


@njit(cache=True, inline="always")
def _copy(dst, src):  # pragma: no cover - jitted
    for t in range(dst.shape[0]):
        dst[t] = src[t]


@njit(cache=True, inline="always")
def _add(dst, src):  # pragma: no cover - jitted
    for t in range(dst.shape[0]):
        dst[t] += src[t]


@njit(cache=True, inline="always")
def _axpy(dst, a, src):  # pragma: no cover - jitted
    for t in range(dst.shape[0]):
        dst[t] += a * src[t]


@njit(cache=True, inline="always", fastmath={"reassoc", "contract"})
def _dot(a, b):  # pragma: no cover - jitted
    # reassociation lets the sum vectorise; NaN and inf still propagate (no nnan/ninf flags)
    acc = a.dtype.type(0)
    for t in range(a.shape[0]):
        acc += a[t] * b[t]
    return acc


@njit(cache=True, inline="always")
def _window_row(row, start, step, count):  # pragma: no cover - jitted
    """The ``count`` entries row[start], row[start + step], ... as a view."""
    return row[start : start + (count - 1) * step + 1 : step]


# --- im2col / col2im: the data movement around the convolution GEMMs ----------------------


@njit(cache=True)
def im2col(xp, c0, c1, kh, kw, sh, sw, dh, dw, ho, wo, cols):  # pragma: no cover - jitted
    """cols[n, (c-c0)*kh*kw + i*kw + j, oh*wo + ow] = xp[n, c, oh*sh + i*dh, ow*sw + j*dw]."""
    for n in range(xp.shape[0]):
        for c in range(c0, c1):
            for i in range(kh):
                for j in range(kw):
                    dst = cols[n, ((c - c0) * kh + i) * kw + j]
                    for oh in range(ho):
                        src = xp[n, c, oh * sh + i * dh]
                        if sw == 1:
                            _copy(dst[oh * wo : oh * wo + wo], src[j * dw : j * dw + wo])
                        else:
                            _copy(dst[oh * wo : oh * wo + wo], _window_row(src, j * dw, sw, wo))


@njit(cache=True)
def col2im(dcols, c0, c1, kh, kw, sh, sw, dh, dw, ho, wo, dxp):  # pragma: no cover - jitted
    """The adjoint of ``im2col``: scatter-add every column entry back to its input pixel."""
    for n in range(dxp.shape[0]):
        for c in range(c0, c1):
            for i in range(kh):
                for j in range(kw):
                    src = dcols[n, ((c - c0) * kh + i) * kw + j]
                    for oh in range(ho):
                        dst = dxp[n, c, oh * sh + i * dh]
                        if sw == 1:
                            _add(dst[j * dw : j * dw + wo], src[oh * wo : oh * wo + wo])
                        else:
                            _add(_window_row(dst, j * dw, sw, wo), src[oh * wo : oh * wo + wo])


# --- depthwise convolution (groups == C_in): direct loops beat im2col + tiny GEMMs ----------


@njit(cache=True)
def _depthwise_plane(xplane, wk, sh, sw, dh, dw, oplane):  # pragma: no cover - jitted
    """oplane[oh, ow] += sum_ij wk[i, j] * xplane[oh*sh + i*dh, ow*sw + j*dw]."""
    ho, wo = oplane.shape
    kh, kw = wk.shape
    for oh in range(ho):
        orow = oplane[oh]
        for i in range(kh):
            xrow = xplane[oh * sh + i * dh]
            for j in range(kw):
                if sw == 1:
                    _axpy(orow, wk[i, j], xrow[j * dw : j * dw + wo])
                else:
                    _axpy(orow, wk[i, j], _window_row(xrow, j * dw, sw, wo))


@njit(cache=True, parallel=True)
def depthwise_forward(xp, w, sh, sw, dh, dw, out):  # pragma: no cover - jitted
    """out[n, k] = sum_ij w[k, 0, i, j] * xp[n, k // M, oh*sh + i*dh, ow*sw + j*dw], M = K // C.

    Parallel over (n, k): every output plane is written by one thread, and no BLAS runs here.
    """
    n_batch, n_out = out.shape[0], out.shape[1]
    mult = n_out // xp.shape[1]
    for nk in prange(n_batch * n_out):
        n, k = nk // n_out, nk % n_out
        _depthwise_plane(xp[n, k // mult], w[k, 0], sh, sw, dh, dw, out[n, k])


@njit(cache=True)
def _depthwise_plane_backward(gplane, xplane, wk, sh, sw, dh, dw, dxplane, dwk):  # pragma: no cover
    """Adds this plane's share to dxplane (padded input gradient) and dwk (kh, kw)."""
    ho, wo = gplane.shape
    kh, kw = wk.shape
    for oh in range(ho):
        grow = gplane[oh]
        for i in range(kh):
            xrow = xplane[oh * sh + i * dh]
            dxrow = dxplane[oh * sh + i * dh]
            for j in range(kw):
                if sw == 1:
                    dwk[i, j] += _dot(grow, xrow[j * dw : j * dw + wo])
                    _axpy(dxrow[j * dw : j * dw + wo], wk[i, j], grow)
                else:
                    dwk[i, j] += _dot(grow, _window_row(xrow, j * dw, sw, wo))
                    _axpy(_window_row(dxrow, j * dw, sw, wo), wk[i, j], grow)


@njit(cache=True, parallel=True)
def depthwise_backward(dout, xp, w, sh, sw, dh, dw, dxp, dweight_per_example):  # pragma: no cover
    """Gradients of ``depthwise_forward``: accumulates into dxp (padded) and into
    dweight_per_example (N, K, 1, kh, kw), which the caller sums over N.

    Parallel over examples: each thread owns dxp[n] and dweight_per_example[n], so no two
    threads write the same cell (output channels of one example share an input channel).
    """
    n_batch, n_out = dout.shape[0], dout.shape[1]
    mult = n_out // xp.shape[1]
    for n in prange(n_batch):
        for k in range(n_out):
            c = k // mult
            _depthwise_plane_backward(
                dout[n, k],
                xp[n, c],
                w[k, 0],
                sh,
                sw,
                dh,
                dw,
                dxp[n, c],
                dweight_per_example[n, k, 0],
            )


# --- pooling: padding is handled by bounds, never materialised; parallel over (n, c) planes --


@njit(cache=True, parallel=True)
def max_pool_forward(x, kh, kw, sh, sw, ph, pw, out, argmax):  # pragma: no cover - jitted
    """Max over each window; argmax stores the flat index h*W + w of the first maximum.

    Like PyTorch's CPU kernel, a NaN wins (the last one in the window): NaN propagates.
    """
    n_batch, n_ch, height, width = x.shape
    ho, wo = out.shape[2], out.shape[3]
    for nc in prange(n_batch * n_ch):
        n, c = nc // n_ch, nc % n_ch
        plane = x[n, c]
        for oh in range(ho):
            h0 = oh * sh - ph
            for ow in range(wo):
                w0 = ow * sw - pw
                best = -np.inf
                best_idx = -1
                for i in range(max(h0, 0), min(h0 + kh, height)):
                    for j in range(max(w0, 0), min(w0 + kw, width)):
                        v = plane[i, j]
                        if v > best or v != v or best_idx < 0:
                            best = v
                            best_idx = i * width + j
                out[n, c, oh, ow] = best
                argmax[n, c, oh, ow] = best_idx


@njit(cache=True, parallel=True)
def max_pool_backward(dout, argmax, dx):  # pragma: no cover - jitted
    """Route each output gradient to the single input cell that won the max."""
    n_batch, n_ch, ho, wo = dout.shape
    width = dx.shape[3]
    for nc in prange(n_batch * n_ch):
        n, c = nc // n_ch, nc % n_ch
        for oh in range(ho):
            for ow in range(wo):
                idx = argmax[n, c, oh, ow]
                dx[n, c, idx // width, idx % width] += dout[n, c, oh, ow]


@njit(cache=True, parallel=True)
def avg_pool_forward(x, kh, kw, sh, sw, ph, pw, out):  # pragma: no cover - jitted
    """Mean over each window; padded zeros count in the divisor (count_include_pad=True)."""
    n_batch, n_ch, height, width = x.shape
    ho, wo = out.shape[2], out.shape[3]
    inv = 1.0 / (kh * kw)
    for nc in prange(n_batch * n_ch):
        n, c = nc // n_ch, nc % n_ch
        plane = x[n, c]
        for oh in range(ho):
            h0 = oh * sh - ph
            for ow in range(wo):
                w0 = ow * sw - pw
                acc = out.dtype.type(0)
                for i in range(max(h0, 0), min(h0 + kh, height)):
                    for j in range(max(w0, 0), min(w0 + kw, width)):
                        acc += plane[i, j]
                out[n, c, oh, ow] = acc * inv


@njit(cache=True, parallel=True)
def avg_pool_backward(dout, kh, kw, sh, sw, ph, pw, dx):  # pragma: no cover - jitted
    """Spread each output gradient evenly, 1/(kh*kw) to every cell of its window."""
    n_batch, n_ch, ho, wo = dout.shape
    height, width = dx.shape[2], dx.shape[3]
    inv = 1.0 / (kh * kw)
    for nc in prange(n_batch * n_ch):
        n, c = nc // n_ch, nc % n_ch
        for oh in range(ho):
            h0 = oh * sh - ph
            for ow in range(wo):
                w0 = ow * sw - pw
                g = dout[n, c, oh, ow] * inv
                for i in range(max(h0, 0), min(h0 + kh, height)):
                    for j in range(max(w0, 0), min(w0 + kw, width)):
                        dx[n, c, i, j] += g
