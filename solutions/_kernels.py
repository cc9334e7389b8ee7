"""Numba kernels behind the public functions.

Every kernel here trusts its arguments: shapes, dtypes and hyper-parameters are checked by
the Python layer (``solutions._validate``) before a kernel is called. Kernels write into
output arrays they are handed, so the caller chooses the dtype (float32 or float64) and the
compiled signature follows it.

Why these loops look the way they do (each measured on the course's 2-core machine against
the alternative): 1-D row views in the innermost loop vectorise (2-3x faster than 2-D
indexing); ``prange`` is used only in kernels that call no BLAS (depthwise, pooling), never
around a GEMM: Numba's spinning OpenMP workers starved OpenBLAS, a floor of about 8 ms per
call; the first arg-max is stored on ties, as PyTorch does (the ``x == max`` mask spreads the
gradient over every tie, e.g. all-zero windows after a ReLU).
"""

from __future__ import annotations

import threading

import numpy as np


class LazyKernel:
    """A kernel that becomes ``numba.njit(**options)(py_func)`` on its first call.

    Importing Numba costs about 0.35 s of CPU, most of ``import solutions``; deferred to the
    first call, it is paid by what computes (together with loading the kernel from Numba's
    cache), not by everything that imports the package (``autograder --help``, a grading
    child's parent, a test collecting). Attributes (``stats``, ``signatures``) are the
    dispatcher's once it exists.
    """

    _lock = threading.Lock()

    def __init__(self, py_func, options: dict):
        self.py_func, self.options, self.dispatcher = py_func, options, None
        self.__name__, self.__doc__ = py_func.__name__, py_func.__doc__

    def compile(self):
        with self._lock:
            if self.dispatcher is None:
                import numba

                # the parallel loops name numba.prange through the module's globals
                if self.py_func.__globals__.get("prange") is range:
                    self.py_func.__globals__["prange"] = numba.prange
                self.dispatcher = numba.njit(**self.options)(self.py_func)
        return self.dispatcher

    def __call__(self, *args):
        return (self.dispatcher or self.compile())(*args)

    def __getattr__(self, name):
        if self.__dict__.get("dispatcher") is None:
            raise AttributeError(name)
        return getattr(self.dispatcher, name)


def njit(**options):
    """``numba.njit(**options)``, applied on the kernel's first call (see ``LazyKernel``)."""
    return lambda py_func: LazyKernel(py_func, options)


prange = range  # numba.prange once the first kernel compiles (LazyKernel.compile)

# Innermost loops run over pre-sliced row views with the bare loop variable as the index:
# written as ``row[offset + t]``, Numba must allow for a negative index (wrap-around), which
# blocks vectorisation. The loops are spelled out in each kernel: measured, calling a small
# jitted helper for them (inlined or not) was 3-7x slower. A step-1 slice keeps the
# contiguous layout, so unit stride gets its own branch.

# --- im2col / col2im: the data movement around the convolution GEMMs ----------------------


@njit(cache=True)
def im2col(xp, c0, c1, kh, kw, sh, sw, dh, dw, ho, wo, cols):  # pragma: no cover - jitted
    """cols[n, (c-c0)*kh*kw + i*kw + j, oh*wo + ow] = xp[n, c, oh*sh + i*dh, ow*sw + j*dw]."""
    for n in range(xp.shape[0]):
        for c in range(c0, c1):
            for i in range(kh):
                for j in range(kw):
                    col = cols[n, ((c - c0) * kh + i) * kw + j]
                    for oh in range(ho):
                        xrow = xp[n, c, oh * sh + i * dh]
                        dst = col[oh * wo : oh * wo + wo]
                        if sw == 1:
                            src = xrow[j * dw : j * dw + wo]
                            for t in range(wo):
                                dst[t] = src[t]
                        else:
                            src_strided = xrow[j * dw : j * dw + (wo - 1) * sw + 1 : sw]
                            for t in range(wo):
                                dst[t] = src_strided[t]


@njit(cache=True)
def col2im(dcols, c0, c1, kh, kw, sh, sw, dh, dw, ho, wo, dxp):  # pragma: no cover - jitted
    """The adjoint of ``im2col``: scatter-add every column entry back to its input pixel."""
    for n in range(dxp.shape[0]):
        for c in range(c0, c1):
            for i in range(kh):
                for j in range(kw):
                    col = dcols[n, ((c - c0) * kh + i) * kw + j]
                    for oh in range(ho):
                        dxrow = dxp[n, c, oh * sh + i * dh]
                        src = col[oh * wo : oh * wo + wo]
                        if sw == 1:
                            dst = dxrow[j * dw : j * dw + wo]
                            for t in range(wo):
                                dst[t] += src[t]
                        else:
                            dst_strided = dxrow[j * dw : j * dw + (wo - 1) * sw + 1 : sw]
                            for t in range(wo):
                                dst_strided[t] += src[t]


# --- depthwise convolution (groups == C_in): direct loops beat im2col + tiny GEMMs ----------


@njit(cache=True, parallel=True)
def depthwise_forward(xp, w, sh, sw, dh, dw, out):  # pragma: no cover - jitted
    """out[n, k] = sum_ij w[k, 0, i, j] * xp[n, k // M, oh*sh + i*dh, ow*sw + j*dw], M = K // C.

    Parallel over (n, k): every output plane is written by one thread, and no BLAS runs here.
    """
    n_batch, n_out, ho, wo = out.shape
    kh, kw = w.shape[2], w.shape[3]
    mult = n_out // xp.shape[1]
    for nk in prange(n_batch * n_out):
        n, k = nk // n_out, nk % n_out
        xplane, oplane, wk = xp[n, k // mult], out[n, k], w[k, 0]
        for oh in range(ho):
            orow = oplane[oh]
            for i in range(kh):
                xrow = xplane[oh * sh + i * dh]
                for j in range(kw):
                    wv = wk[i, j]
                    if sw == 1:
                        src = xrow[j * dw : j * dw + wo]
                        for t in range(wo):
                            orow[t] += wv * src[t]
                    else:
                        src_strided = xrow[j * dw : j * dw + (wo - 1) * sw + 1 : sw]
                        for t in range(wo):
                            orow[t] += wv * src_strided[t]


@njit(cache=True, parallel=True)
def depthwise3x3_forward(x, w, sh, dh, dw, top, bottom, left, right, out):  # pragma: no cover
    """``depthwise_forward`` for 3x3 kernels and unit column stride (MobileNet's case), on the
    *unpadded* input x, in one pass per output row: 9 loads and one store per pixel instead
    of 9 read-modify-writes (measured 2x faster). Overwrites ``out``.

    The padding is fused: each (n, k) plane is copied into a small zero-bordered buffer that
    stays in L1, instead of materialising the whole padded batch first (measured 2.4-4x
    faster, padding included, on 16x64x32x32 p1 in float32 and float64).
    """
    n_batch, n_out, ho, wo = out.shape
    height, width = x.shape[2], x.shape[3]
    mult = n_out // x.shape[1]
    for nk in prange(n_batch * n_out):
        n, k = nk // n_out, nk % n_out
        xplane, oplane = x[n, k // mult], out[n, k]
        padded = np.zeros((height + top + bottom, width + left + right), dtype=out.dtype)
        for h in range(height):
            src, dst = xplane[h], padded[top + h, left : left + width]
            for t in range(width):
                dst[t] = src[t]
        w00, w01, w02 = w[k, 0, 0, 0], w[k, 0, 0, 1], w[k, 0, 0, 2]
        w10, w11, w12 = w[k, 0, 1, 0], w[k, 0, 1, 1], w[k, 0, 1, 2]
        w20, w21, w22 = w[k, 0, 2, 0], w[k, 0, 2, 1], w[k, 0, 2, 2]
        for oh in range(ho):
            top_row, mid, bot = padded[oh * sh], padded[oh * sh + dh], padded[oh * sh + 2 * dh]
            t0, t1, t2 = top_row[0:wo], top_row[dw : dw + wo], top_row[2 * dw : 2 * dw + wo]
            m0, m1, m2 = mid[0:wo], mid[dw : dw + wo], mid[2 * dw : 2 * dw + wo]
            b0, b1, b2 = bot[0:wo], bot[dw : dw + wo], bot[2 * dw : 2 * dw + wo]
            orow = oplane[oh]
            for t in range(wo):
                orow[t] = (
                    w00 * t0[t]
                    + w01 * t1[t]
                    + w02 * t2[t]
                    + w10 * m0[t]
                    + w11 * m1[t]
                    + w12 * m2[t]
                    + w20 * b0[t]
                    + w21 * b1[t]
                    + w22 * b2[t]
                )


@njit(cache=True, parallel=True, fastmath={"reassoc", "contract"})
def depthwise_backward(dout, xp, w, sh, sw, dh, dw, dxp, dweight_per_example):  # pragma: no cover
    """Gradients of ``depthwise_forward``: accumulates into dxp (padded) and into
    dweight_per_example (N, K, 1, kh, kw), which the caller sums over N.

    Parallel over examples: each thread owns dxp[n] and dweight_per_example[n], so no two
    threads write the same cell (output channels of one example share an input channel).
    ``reassoc`` lets the weight-gradient sums vectorise; NaN and inf still propagate.
    """
    n_batch, n_out, ho, wo = dout.shape
    kh, kw = w.shape[2], w.shape[3]
    mult = n_out // xp.shape[1]
    for n in prange(n_batch):
        for k in range(n_out):
            c = k // mult
            for oh in range(ho):
                grow = dout[n, k, oh]
                for i in range(kh):
                    xrow = xp[n, c, oh * sh + i * dh]
                    dxrow = dxp[n, c, oh * sh + i * dh]
                    for j in range(kw):
                        wv = w[k, 0, i, j]
                        acc = dweight_per_example.dtype.type(0)
                        if sw == 1:
                            src = xrow[j * dw : j * dw + wo]
                            dst = dxrow[j * dw : j * dw + wo]
                            for t in range(wo):
                                acc += grow[t] * src[t]
                                dst[t] += wv * grow[t]
                        else:
                            src_strided = xrow[j * dw : j * dw + (wo - 1) * sw + 1 : sw]
                            dst_strided = dxrow[j * dw : j * dw + (wo - 1) * sw + 1 : sw]
                            for t in range(wo):
                                acc += grow[t] * src_strided[t]
                                dst_strided[t] += wv * grow[t]
                        dweight_per_example[n, k, 0, i, j] += acc


# --- pooling: padding is handled by bounds, never materialised; parallel over (n, c) planes --


@njit(cache=True, parallel=True)
def max_pool_forward(x, kh, kw, sh, sw, ph, pw, out, argmax):  # pragma: no cover - jitted
    """Max over each window; argmax stores the flat index h*W + w of the first maximum.

    Like PyTorch's CPU kernel, a NaN wins (the last one in the window): NaN propagates.
    Every window holds at least one cell of x (padding is at most half the kernel), which
    starts the search; the update is a select, not a branch (random data mispredicts it):
    measured 1.12-1.18x faster than starting from -inf with a branch, on both benchmark
    shapes and LeNet's, float32 and float64.
    """
    n_batch, n_ch, height, width = x.shape
    ho, wo = out.shape[2], out.shape[3]
    for nc in prange(n_batch * n_ch):
        n, c = nc // n_ch, nc % n_ch
        plane, oplane, aplane = x[n, c], out[n, c], argmax[n, c]
        for oh in range(ho):
            h0 = oh * sh - ph
            i0, i1 = max(h0, 0), min(h0 + kh, height)
            orow, arow = oplane[oh], aplane[oh]
            for ow in range(wo):
                w0 = ow * sw - pw
                j0, j1 = max(w0, 0), min(w0 + kw, width)
                best = plane[i0, j0]
                best_idx = i0 * width + j0
                for i in range(i0, i1):
                    xrow = plane[i]
                    for j in range(j0, j1):
                        v = xrow[j]
                        take = (v > best) | (v != v)
                        best = v if take else best
                        best_idx = i * width + j if take else best_idx
                orow[ow] = best
                arow[ow] = best_idx


@njit(cache=True, parallel=True)
def max_pool_forward_2x2(x, out, argmax):  # pragma: no cover - jitted
    """``max_pool_forward`` for the most common pooling, 2x2 windows at stride 2, no padding.

    Same result (first maximum, NaN wins), written for that one case: every window lies in
    the plane, so there are no bounds, and its four cells are read at constant offsets
    (2*ow, 2*ow + 1 of two rows), which the compiler turns into straight-line selects.
    Measured on 2026-12-03 (one process, the two kernels called alternately for 2 s per
    shape): 2.3-2.4x faster than the general kernel on LeNet's first pooling (64x6x28x28)
    and the benchmark's 32x16x28x28, 1.9x on LeNet's second (64x16x10x10), float32 and
    float64.
    """
    n_batch, n_ch, width = x.shape[0], x.shape[1], x.shape[3]
    ho, wo = out.shape[2], out.shape[3]
    for nc in prange(n_batch * n_ch):
        n, c = nc // n_ch, nc % n_ch
        plane, oplane, aplane = x[n, c], out[n, c], argmax[n, c]
        for oh in range(ho):
            top, bottom = plane[2 * oh], plane[2 * oh + 1]
            orow, arow = oplane[oh], aplane[oh]
            base = 2 * oh * width  # flat index of the window row's first cell
            for ow in range(wo):
                best, best_idx = top[2 * ow], base + 2 * ow
                v = top[2 * ow + 1]
                take = (v > best) | (v != v)
                best = v if take else best
                best_idx = base + 2 * ow + 1 if take else best_idx
                v = bottom[2 * ow]
                take = (v > best) | (v != v)
                best = v if take else best
                best_idx = base + width + 2 * ow if take else best_idx
                v = bottom[2 * ow + 1]
                take = (v > best) | (v != v)
                best = v if take else best
                best_idx = base + width + 2 * ow + 1 if take else best_idx
                orow[ow] = best
                arow[ow] = best_idx


@njit(cache=True, parallel=True)
def max_pool_backward(dout, argmax, dx):  # pragma: no cover - jitted
    """Route each output gradient to the single input cell that won the max; overwrites dx.

    Works on flattened planes (argmax is a flat index h*W + w), which avoids a division per
    element (measured 2x faster). Each thread zeroes its own plane just before scattering
    into it, so the caller hands in ``np.empty``: the plane is then cache-resident for the
    scatter instead of a whole zeroed array streamed twice through memory (measured 2.3-2.9x
    faster than ``np.zeros`` + scatter on both benchmark shapes, float32 and float64). Returns how many indices fell outside
    the plane (skipped): the caller raises, so indices handed in by a user are checked
    without a separate pass.
    """
    n_batch, n_ch, ho, wo = dout.shape
    plane = dx.shape[2] * dx.shape[3]
    bad = 0
    for nc in prange(n_batch * n_ch):
        n, c = nc // n_ch, nc % n_ch
        dx_flat, dout_flat, argmax_flat = dx[n, c].ravel(), dout[n, c].ravel(), argmax[n, c].ravel()
        for t in range(plane):
            dx_flat[t] = 0
        for t in range(ho * wo):
            idx = argmax_flat[t]
            if idx < 0 or idx >= plane:
                bad += 1
            else:
                dx_flat[idx] += dout_flat[t]
    return bad


# Average pooling is separable: a kh x kw window sum is a sum over kh rows of sums over kw
# columns. Both kernels work one output row at a time on a row buffer with the padding built
# in (zeros at both ends): the kh-row part is a contiguous, vectorised loop over whole rows,
# and only the kw-column part is strided. kh + kw additions per output instead of kh * kw
# bounds-checked ones (measured against the per-window loops: 2.3-3.3x faster forward and
# 2.8-4.2x backward on the benchmark's two shapes, float32 and float64).


@njit(cache=True, parallel=True)
def avg_pool_forward(x, kh, kw, sh, sw, ph, pw, out):  # pragma: no cover - jitted
    """Mean over each window; padded zeros count in the divisor (count_include_pad=True)."""
    n_batch, n_ch, height, width = x.shape
    ho, wo = out.shape[2], out.shape[3]
    inv = out.dtype.type(1.0 / (kh * kw))
    for nc in prange(n_batch * n_ch):
        n, c = nc // n_ch, nc % n_ch
        plane, oplane = x[n, c], out[n, c]
        padded_row = np.zeros(width + 2 * pw, dtype=out.dtype)  # column sums, zero-padded
        row_sum = padded_row[pw : pw + width]
        for oh in range(ho):
            h0 = oh * sh - ph
            for t in range(width):
                row_sum[t] = 0
            for i in range(max(h0, 0), min(h0 + kh, height)):
                xrow = plane[i]
                for t in range(width):
                    row_sum[t] += xrow[t]
            orow = oplane[oh]
            for ow in range(wo):
                window = padded_row[ow * sw : ow * sw + kw]
                acc = out.dtype.type(0)
                for j in range(kw):
                    acc += window[j]
                orow[ow] = acc * inv


@njit(cache=True, parallel=True)
def avg_pool_backward(dout, kh, kw, sh, sw, ph, pw, dx):  # pragma: no cover - jitted
    """Spread each output gradient evenly, 1/(kh*kw) to every cell of its window; overwrites
    dx (each thread zeroes its own plane, as in ``max_pool_backward``)."""
    n_batch, n_ch, ho, wo = dout.shape
    height, width = dx.shape[2], dx.shape[3]
    inv = dx.dtype.type(1.0 / (kh * kw))
    for nc in prange(n_batch * n_ch):
        n, c = nc // n_ch, nc % n_ch
        gplane, dplane = dout[n, c], dx[n, c]
        padded_row = np.empty(width + 2 * pw + kw, dtype=dx.dtype)  # one row's spread gradient
        spread = padded_row[pw : pw + width]
        for i in range(height):
            drow = dplane[i]
            for t in range(width):
                drow[t] = 0
        for oh in range(ho):
            grow = gplane[oh]
            for t in range(padded_row.size):
                padded_row[t] = 0
            for ow in range(wo):
                g = grow[ow] * inv
                window = padded_row[ow * sw : ow * sw + kw]
                for j in range(kw):
                    window[j] += g
            h0 = oh * sh - ph
            for i in range(max(h0, 0), min(h0 + kh, height)):
                drow = dplane[i]
                for t in range(width):
                    drow[t] += spread[t]
