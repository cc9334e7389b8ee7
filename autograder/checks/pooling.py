"""Checks for assignment 6: max and average pooling, forward and backward."""

import numpy as np

import solutions as S
from autograder.checks import Case, Component, Mistake, Variant, add_cases, attach_mistakes, randn


def forward_cases(rng):
    x = randn(rng, 2, 3, 7, 8) - 1.0  # mostly negative: zero padding would win a max
    return [
        Case("max", (x, 2), function="max_pool2d"),
        Case("max_padding_stride", (x, 3, 2, 1), function="max_pool2d"),
        Case("avg", (x, 2), function="avg_pool2d"),
        Case("avg", (x, 3, 1), function="avg_pool2d"),
        Case("avg_padding", (x, 3, 2, 1), function="avg_pool2d"),
    ]


def backward_cases(rng):
    x = randn(rng, 2, 3, 7, 8)
    x[:, :, :4, :4] = 0.0  # all-zero windows, as after a ReLU: ties
    cases = []
    for kind in ("max", "avg"):
        for args in ((2,), (3, 2, 1), (2, 1, 1)):
            out_shape = S.max_pool2d(x, *args).shape
            cases.append(
                Case(kind, (randn(rng, *out_shape), x, *args), function=f"{kind}_pool2d_backward")
            )
    # paddings 2 and 3 (kernels of 4 to 6), odd and even sizes: buffers and slices sized by
    # another formula of (size, padding), one that agrees at padding 0 and 1, part here
    for shape, settings in (
        ((2, 3, 9, 7), ((4, 2, 2), (5, 3, 2), (3, 1, 1))),
        ((1, 2, 5, 5), ((6, 2, 3), (4, 1, 2))),
    ):
        x = randn(rng, *shape)
        for kind in ("max", "avg"):
            for args in settings:
                out_shape = S.max_pool2d(x, *args).shape
                dout = randn(rng, *out_shape)
                cases.append(Case(kind, (dout, x, *args), function=f"{kind}_pool2d_backward"))
    return cases


def max_zero_padded(x, kernel_size, stride=None, padding=0):
    return S.max_pool2d(S.pad2d(x, padding), kernel_size, stride, 0)


def spread_over_ties(dout, x, kernel_size, stride=None, padding=0):
    """The mask trick: every cell equal to the window's max gets the gradient."""
    k, s = kernel_size, kernel_size if stride is None else stride
    xp = S.pad2d(x, padding).astype(float)
    if padding:
        xp[..., :padding, :], xp[..., -padding:, :], xp[..., :, :padding], xp[..., :, -padding:] = (
            -np.inf,
        ) * 4
    dxp = np.zeros_like(xp)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = xp[:, :, i * s : i * s + k, j * s : j * s + k]
            mask = win == win.max(axis=(2, 3), keepdims=True)
            dxp[:, :, i * s : i * s + k, j * s : j * s + k] += (
                mask * dout[:, :, i : i + 1, j : j + 1]
            )
    return dxp[:, :, padding : padding + x.shape[2], padding : padding + x.shape[3]]


REFERENCE = {
    name: getattr(S, name)
    for name in ("max_pool2d", "avg_pool2d", "max_pool2d_backward", "avg_pool2d_backward")
}

COMPONENTS = [
    Component(
        "test_pool_forward",
        "max_pool2d",
        REFERENCE,
        {"max": 1, "max_padding_stride": 1, "avg": 1, "avg_padding": 1},
        forward_cases,
        [
            Variant(
                "Max pooling pads with zeros, so padding wins windows of negative values: pad with -inf.",
                max_zero_padded,
            ),
        ],
    ),
    Component(
        "test_pool_backward",
        "max_pool2d_backward",
        REFERENCE,
        {"max": 2, "avg": 2},
        backward_cases,
        [
            Variant(
                "The gradient goes to every cell that ties for the maximum (the mask trick): send it "
                "to the first maximum only, as PyTorch does.",
                spread_over_ties,
            ),
        ],
    ),
]


# The classic mistakes, written once: each is a Variant of its component above and the
# planted mistake of a sample submission (autograder.samples).
MISTAKES = [
    Mistake(
        cell="pool_forward",
        component="test_pool_forward",
        function="avg_pool2d",
        summary="divides average pooling by the unpadded count",
        diagnosis="Average pooling divides by the number of real (unpadded) cells: padded zeros count in the divisor, kernel_size**2 (count_include_pad).",
        code="""
def avg_pool2d(x, kernel_size, stride=None, padding=0):
    k, s = kernel_size, kernel_size if stride is None else stride
    x = np.asarray(x, dtype=float)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ones = np.pad(np.ones_like(x), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho, wo = (xp.shape[2] - k) // s + 1, (xp.shape[3] - k) // s + 1
    out = np.empty(xp.shape[:2] + (ho, wo))
    for i in range(ho):
        for j in range(wo):
            win = (slice(None), slice(None), slice(i * s, i * s + k), slice(j * s, j * s + k))
            out[:, :, i, j] = xp[win].sum(axis=(2, 3)) / ones[win].sum(axis=(2, 3))
    return out
""",
    ),
    Mistake(
        cell="pool_backward",
        component="test_pool_backward",
        function="max_pool2d_backward",
        summary="copies the max-pool gradient to every cell of the window",
        diagnosis="The max-pool gradient is copied to every cell of the window: it belongs to the one cell that held the maximum.",
        code="""
def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    return avg_pool2d_backward(dout, x, kernel_size, stride, padding) * kernel_size**2
""",
    ),
]
attach_mistakes(COMPONENTS, MISTAKES)


# Misconceptions met in the corpus of student submissions (tests/corpus/pooling/): the
# grader recognises them (as Variants); they are not planted in the samples.
RECOGNISED = [
    Mistake(
        cell="pool_backward",
        component="test_pool_backward",
        function="avg_pool2d_backward",
        summary="forgets the 1 / k^2 of the mean",
        diagnosis="The average's gradient is not divided by kernel_size**2: each of the window's cells gets dout / k^2.",
        code="""
_correct_avg_backward = avg_pool2d_backward
def avg_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    return _correct_avg_backward(dout, x, kernel_size, stride, padding) * kernel_size**2
""",
    ),
    Mistake(
        cell="pool_backward",
        component="test_pool_backward",
        function="max_pool2d_backward",
        summary="assigns the gradient to the arg-max instead of adding it",
        diagnosis="The gradient is assigned (=) to the arg-max: overlapping windows that share a maximum must add up their gradients (+=).",
        code="""
def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k, s = kernel_size, kernel_size if stride is None else stride
    xp = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding)), constant_values=-np.inf)
    dxp = np.zeros(xp.shape)
    n_batch, n_ch, ho, wo = np.shape(dout)
    for n_ in range(n_batch):
        for c in range(n_ch):
            for i in range(ho):
                for j in range(wo):
                    window = xp[n_, c, i * s : i * s + k, j * s : j * s + k]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dxp[n_, c, i * s + a, j * s + b] = dout[n_, c, i, j]
    return dxp[:, :, padding : padding + np.shape(x)[2], padding : padding + np.shape(x)[3]]
""",
    ),
    Mistake(
        cell="pool_backward",
        component="test_pool_backward",
        function="max_pool2d_backward",
        summary="routes the gradient to the last of tied maxima",
        diagnosis="The gradient goes to the last of the tied maxima (a >= scan): PyTorch's convention, and this course's, is the first (a strict > scan, or np.argmax).",
        code="""
def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k, s = kernel_size, kernel_size if stride is None else stride
    xp = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding)), constant_values=-np.inf)
    dxp = np.zeros(xp.shape)
    n_batch, n_ch, ho, wo = np.shape(dout)
    for n_ in range(n_batch):
        for c in range(n_ch):
            for i in range(ho):
                for j in range(wo):
                    window = xp[n_, c, i * s : i * s + k, j * s : j * s + k].reshape(-1)
                    last = window.size - 1 - int(np.argmax(window[::-1]))
                    dxp[n_, c, i * s + last // k, j * s + last % k] += dout[n_, c, i, j]
    return dxp[:, :, padding : padding + np.shape(x)[2], padding : padding + np.shape(x)[3]]
""",
    ),
]
attach_mistakes(COMPONENTS, RECOGNISED)


# --- every parameter over its valid range (issue 18, 1c and 1g) -----------------------------
# Drawn after the cases above, so that a seed still draws those the same way.


def forward_range_cases(rng):
    x = randn(rng, 2, 2, 7, 9) - 1.0
    return [
        Case("max", (x, 1), function="max_pool2d"),  # the lower end: the identity
        Case("max", (x, 3), function="max_pool2d"),  # 7 x 9 by 3: floor drops a row
        Case("max", (x, 2, 3), function="max_pool2d"),  # a stride wider than the window
        Case("max_padding_stride", (x, 2, 1, 1), function="max_pool2d"),
        Case("max_padding_stride", (x, 4, 3, 2), function="max_pool2d"),  # padding = k / 2
        Case("avg", (x, 2, 3), function="avg_pool2d"),
        Case("avg", (x, 4), function="avg_pool2d"),
        Case("avg_padding", (x, 2, 1, 1), function="avg_pool2d"),
        Case("avg_padding", (x, 5, 3, 2), function="avg_pool2d"),
    ]


def backward_range_cases(rng):
    x = randn(rng, 2, 2, 7, 9)
    x[:, :, 3:, 4:] = 0.0  # ties, as after a ReLU
    cases = []
    for kind in ("max", "avg"):
        for args in ((1,), (2, 3), (3,), (4, 3, 2), (3, 1, 1)):
            out_shape = S.max_pool2d(x, *args).shape
            cases.append(
                Case(kind, (randn(rng, *out_shape), x, *args), function=f"{kind}_pool2d_backward")
            )
    return cases


add_cases(
    COMPONENTS,
    {"test_pool_forward": forward_range_cases, "test_pool_backward": backward_range_cases},
)
