"""Argument checking shared by every public function.

Everything a user can get wrong is caught here, in plain Python, before any array reaches a
Numba kernel: a bad argument must give a ``ValueError`` that names it, never a Numba typing
error, a crash or a silently wrong answer.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

Pair = tuple[int, int]
IntOrPair = int | tuple[int, int]


def as_float_arrays(*named: tuple[str, object]) -> tuple[np.ndarray, ...]:
    """Convert ``(name, value)`` pairs to C-contiguous arrays of one common float dtype.

    The dtype is what numpy promotes the inputs to (at least float32): float32 stays float32,
    float64 stays float64, integers become float64. Complex, object and >64-bit floats are
    refused because the kernels are compiled for float32 and float64 only.
    """
    arrays = []
    for name, value in named:
        arr = np.asarray(value)
        if arr.dtype == object or not (
            np.issubdtype(arr.dtype, np.floating)
            or np.issubdtype(arr.dtype, np.integer)
            or arr.dtype == np.bool_
        ):
            raise ValueError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
        arrays.append(arr)
    dtype = np.result_type(*[a.dtype for a in arrays], np.float32)
    if dtype not in (np.float32, np.float64):
        raise ValueError(
            f"only float32 and float64 are supported, got {', '.join(str(a.dtype) for a in arrays)}"
        )
    return tuple(np.ascontiguousarray(a, dtype=dtype) for a in arrays)


def check_ndim(arr: np.ndarray, name: str, ndim: int, layout: str) -> None:
    """Raise unless ``arr`` has exactly ``ndim`` axes (``layout`` names them, e.g. "(N, C, H, W)")."""
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D {layout}, got shape {arr.shape} ({arr.ndim}-D)")


def check_int(value: object, name: str, minimum: int) -> int:
    """Return ``value`` as an int, refusing floats, bools, NaN/inf and values below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{name} must be a finite integer, got {value}")
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def as_pair(value: object, name: str, minimum: int) -> Pair:
    """Normalise an int or a pair of ints to ``(rows, cols)``, each ``>= minimum``."""
    if isinstance(value, tuple | list | np.ndarray):
        items = list(value)
        if len(items) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        return (
            check_int(items[0], f"{name}[0]", minimum),
            check_int(items[1], f"{name}[1]", minimum),
        )
    v = check_int(value, name, minimum)
    return (v, v)


def same_padding(kernel: Pair, dilation: Pair) -> tuple[int, int, int, int]:
    """Padding ``(top, bottom, left, right)`` that keeps the size at stride 1.

    The total is ``d*(k-1)`` per axis; when it is odd the extra row/column goes to the
    bottom/right, as PyTorch's ``padding="same"`` does (SciPy centres the other way).
    """
    (kh, kw), (dh, dw) = kernel, dilation
    th, tw = dh * (kh - 1), dw * (kw - 1)
    return (th // 2, th - th // 2, tw // 2, tw - tw // 2)


def conv_padding(
    padding: object, kernel: Pair, dilation: Pair, stride: Pair
) -> tuple[int, int, int, int]:
    """Normalise conv2d's ``padding`` (int, pair, "valid" or "same") to (top, bottom, left, right)."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(f'padding="same" needs stride 1, got stride={stride}')
            return same_padding(kernel, dilation)
        raise ValueError(f'padding must be an int, a pair, "valid" or "same", got {padding!r}')
    ph, pw = as_pair(padding, "padding", 0)
    return (ph, ph, pw, pw)


def output_length(n: int, k: int, pad_total: int, stride: int, dilation: int) -> int:
    """Output length of a sliding window: floor((n + pads - d(k-1) - 1) / s) + 1; may be <= 0."""
    return (n + pad_total - dilation * (k - 1) - 1) // stride + 1


def check_window_fits(
    name: str,
    input_hw: Pair,
    kernel: Pair,
    pads: tuple[int, int, int, int],
    dilation: Pair = (1, 1),
) -> None:
    """Raise when the (dilated) window is larger than the padded input."""
    top, bottom, left, right = pads
    padded = (input_hw[0] + top + bottom, input_hw[1] + left + right)
    effective = (dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1)
    if effective[0] > padded[0] or effective[1] > padded[1]:
        raise ValueError(
            f"{name} of effective size {effective} (kernel {kernel}, dilation {dilation}) is larger "
            f"than the padded input {padded} (input {input_hw}, padding {pads})"
        )
