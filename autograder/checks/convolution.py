"""Checks for assignment 1: corr2d, pad2d, convolve2d, conv_output_size."""

import numpy as np

import solutions as S
from autograder.checks import (
    Case,
    Component,
    Mistake,
    Variant,
    add_cases,
    attach_mistakes,
    randn,
)


def corr2d_cases(rng):
    cases = []
    for _ in range(3):
        h, w, k = (int(v) for v in rng.integers(3, 8, 3))
        cases.append(Case("basic", (randn(rng, h + 2, w + 2), randn(rng, min(k, 3), min(k, 3)))))
    for _ in range(3):
        h, w, kh, kw = (
            int(rng.integers(4, 9)),
            int(rng.integers(4, 9)),
            int(rng.integers(1, 4)),
            int(rng.integers(1, 4)),
        )
        if kh == kw:
            kw += 1
        cases.append(Case("rectangular", (randn(rng, h, w), randn(rng, kh, kw))))
    h, w = (int(v) for v in rng.integers(2, 6, 2))
    cases += [
        Case("edge", (randn(rng, h, w), randn(rng, 1, 1))),
        Case("edge", (randn(rng, h, w), randn(rng, h, w))),
    ]
    return cases


def pad2d_cases(rng):
    return [
        Case("int", (randn(rng, 4, 5), int(rng.integers(1, 3)))),
        Case("pair", (randn(rng, 3, 4), (1, 2))),
        Case("pair", (randn(rng, 2, 3), (2, 0))),
        Case("four", (randn(rng, 3, 3), (0, 2, 1, 3))),
        Case("four", (randn(rng, 2, 2, 4, 3), (2, 1, 0, 1))),
    ]


def convolve_cases(rng):
    cases = []
    for mode in ("valid", "full", "same"):
        for kh, kw in ((3, 3), (2, 3), (2, 2)):
            cases.append(Case(mode, (randn(rng, 6, 7), randn(rng, kh, kw), mode)))
    # kernels of 4 and 5: from there on kh - 1 - (kh - 1) // 2 parts from other formulas of
    # the bottom padding that agree for kh <= 3, such as (kh - 1) >> ((kh - 1) // 2)
    for mode in ("valid", "full", "same"):
        for kh, kw in ((4, 5), (5, 4)):
            cases.append(Case(mode, (randn(rng, 7, 8), randn(rng, kh, kw), mode)))
    # the mode as a string built at run time (not the interned literal): `mode is "same"` fails
    for mode in ("valid", "full", "same"):
        x, k = randn(rng, 5, 6), randn(rng, 3, 2)
        cases.append(Case(mode, (x, k, mode), interned=False))
    return cases


def scipy_same(x, k, mode):
    """'same' with the odd extra row/column on the top/left (SciPy's centring)."""
    kh, kw = k.shape
    if mode != "same" or (kh % 2 and kw % 2):
        return S.convolve2d(x, k, mode)
    full = S.convolve2d(x, k, "full")
    top, left = (kh - 1) // 2, (kw - 1) // 2
    return full[top : top + x.shape[0], left : left + x.shape[1]]


def size_cases(rng):
    cases = []
    for category, stride, dilation in (
        ("basic", 1, 1),
        ("stride", 3, 1),
        ("dilation", 1, 2),
        ("stride", 2, 3),
    ):
        for _ in range(4):
            k, p = int(rng.integers(1, 6)), int(rng.integers(0, 3))
            n = max(int(rng.integers(7, 30)), dilation * (k - 1) + 1)  # the kernel must fit
            cases.append(
                Case(category, (n, k), {"padding": p, "stride": stride, "dilation": dilation})
            )
    return cases


COMPONENTS = [
    Component(
        "test_corr2d",
        "corr2d",
        S.corr2d,
        {"basic": 1, "rectangular": 1, "edge": 1},
        corr2d_cases,
        [
            Variant(
                "The kernel is transposed: k[a, b] multiplies x[i + b, j + a]. Index rows with a "
                "and columns with b.",
                lambda x, k: S.corr2d(x, k.T),
            ),
        ],
    ),
    Component(
        "test_pad2d",
        "pad2d",
        S.pad2d,
        {"int": 1, "pair": 0.5, "four": 0.5},
        pad2d_cases,
        [
            Variant(
                "The pair is read the wrong way round: (p_h, p_w) pads rows by p_h and columns by p_w.",
                lambda x, p: (
                    S.pad2d(x, tuple(p)[::-1]) if np.ndim(p) and len(p) == 2 else S.pad2d(x, p)
                ),
            ),
        ],
    ),
    Component(
        "test_convolve2d",
        "convolve2d",
        S.convolve2d,
        {"valid": 1, "full": 1, "same": 1},
        convolve_cases,
        [
            Variant(
                "For an even kernel, 'same' puts the extra padding row/column at the top/left (SciPy's "
                "centring); this course puts it at the bottom/right, as PyTorch does.",
                scipy_same,
            ),
        ],
    ),
    Component(
        "test_conv_output_size",
        "conv_output_size",
        S.conv_output_size,
        {"basic": 1, "stride": 0.5, "dilation": 0.5},
        size_cases,
        [
            Variant(
                "The padding is counted once: it is added on both sides, 2 * padding.",
                lambda n, k, padding=0, stride=1, dilation=1: (
                    (n + padding - dilation * (k - 1) - 1) // stride + 1
                ),
            ),
            Variant(
                "The dilated kernel spans d*(k-1) + 1 pixels, not d*k.",
                lambda n, k, padding=0, stride=1, dilation=1: (
                    (n + 2 * padding - dilation * k) // stride + 1
                ),
            ),
        ],
    ),
]


# The classic mistakes, written once: each is a Variant of its component above and the
# planted mistake of a sample submission (autograder.samples).
MISTAKES = [
    Mistake(
        cell="corr2d",
        component="test_corr2d",
        function="corr2d",
        summary="flips the kernel (a true convolution instead of a cross-correlation)",
        diagnosis="The kernel is flipped: this is a true convolution, not the cross-correlation deep-learning layers compute. Slide k over x without reversing it.",
        code="""
def corr2d(x, k):
    k = np.asarray(k, dtype=float)[::-1, ::-1]
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kw] * k)
    return out
""",
    ),
    Mistake(
        cell="pad2d",
        component="test_pad2d",
        function="pad2d",
        summary="pads on one side only (all the zeros at the bottom and right)",
        diagnosis="All the padding went to one side (bottom/right): put `top` rows above and `bottom` rows below, `left` columns before and `right` after.",
        code="""
def pad2d(x, padding):
    x = np.asarray(x)
    p = padding if np.ndim(padding) == 0 else max(padding)
    out = np.zeros(x.shape[:-2] + (x.shape[-2] + 2 * p, x.shape[-1] + 2 * p), dtype=x.dtype)
    out[..., : x.shape[-2], : x.shape[-1]] = x
    return out
""",
    ),
    Mistake(
        cell="convolve2d",
        component="test_convolve2d",
        function="convolve2d",
        summary="forgets to flip the kernel",
        diagnosis="The kernel is not flipped: a true convolution reverses k in both directions (k[::-1, ::-1]) before sliding it.",
        code="""
def convolve2d(x, k, mode="valid"):
    k = np.asarray(k, dtype=float)
    kh, kw = k.shape
    pads = {"valid": (0, 0, 0, 0), "full": (kh - 1, kh - 1, kw - 1, kw - 1),
            "same": ((kh - 1) // 2, kh - 1 - (kh - 1) // 2, (kw - 1) // 2, kw - 1 - (kw - 1) // 2)}[mode]
    return corr2d(pad2d(np.asarray(x, dtype=float), pads), k)
""",
    ),
    Mistake(
        cell="conv_output_size",
        component="test_conv_output_size",
        function="conv_output_size",
        summary="off by one: forgets the + 1",
        diagnosis="Off by one: the formula ends with + 1 (the first window position counts).",
        code="""
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride
""",
    ),
]
attach_mistakes(COMPONENTS, MISTAKES)


# Misconceptions met in the corpus of student submissions (tests/corpus/convolution/): the
# grader recognises them (as Variants); they are not planted in the samples.
RECOGNISED = [
    Mistake(
        cell="pad2d",
        component="test_pad2d",
        function="pad2d",
        summary="reads four numbers in torch.nn.functional.pad's order",
        diagnosis="Four numbers are (top, bottom, left, right) here, not torch.nn.functional.pad's (left, right, top, bottom).",
        code="""
_correct_pad2d = pad2d
def pad2d(x, padding):
    if np.ndim(padding) == 1 and len(padding) == 4:
        left, right, top, bottom = padding
        return _correct_pad2d(x, (top, bottom, left, right))
    return _correct_pad2d(x, padding)
""",
    ),
    Mistake(
        cell="convolve2d",
        component="test_convolve2d",
        function="convolve2d",
        summary="flips the kernel upside down only",
        diagnosis="The kernel is flipped along one axis only: a true convolution reverses it in both, k[::-1, ::-1].",
        code="""
_correct_convolve2d = convolve2d
def convolve2d(x, k, mode="valid"):
    return _correct_convolve2d(x, np.asarray(k)[:, ::-1], mode)
""",
    ),
    Mistake(
        cell="convolve2d",
        component="test_convolve2d",
        function="convolve2d",
        summary="flips the kernel left to right only",
        diagnosis="The kernel is flipped along one axis only: a true convolution reverses it in both, k[::-1, ::-1].",
        code="""
_correct_convolve2d = convolve2d
def convolve2d(x, k, mode="valid"):
    return _correct_convolve2d(x, np.asarray(k)[::-1, :], mode)
""",
    ),
    Mistake(
        cell="conv_output_size",
        component="test_conv_output_size",
        function="conv_output_size",
        summary="rounds the number of steps up",
        diagnosis="The number of steps is rounded up (ceil): a window that would run past the padded input does not count, so round down (//).",
        code="""
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    return -(-(n + 2 * padding - dilation * (k - 1) - 1) // stride) + 1
""",
    ),
]
attach_mistakes(COMPONENTS, RECOGNISED)


# --- every parameter over its valid range (issue 18, 1c and 1g) -----------------------------
# Drawn after the cases above, so that a seed still draws those the same way.


def corr2d_range_cases(rng):
    h, w = (int(v) for v in rng.choice(np.arange(2, 7), 2, replace=False))  # h != w
    return [
        # the kernel as large as the image, not square: a transposed or square-assumed
        # kernel cannot pass
        Case("edge", (randn(rng, h, w), randn(rng, h, w))),
        Case("rectangular", (randn(rng, 6, 7), randn(rng, 1, 3))),
        Case("rectangular", (randn(rng, 5, 8), randn(rng, 4, 2))),
    ]


def pad2d_range_cases(rng):
    return [
        Case("int", (randn(rng, 3, 4), 0)),  # the lower end: nothing added
        Case("int", (randn(rng, 2, 3, 4), int(rng.integers(1, 4)))),  # leading axes kept
        Case("pair", (randn(rng, 3, 4), (0, int(rng.integers(1, 3))))),
        Case("four", (randn(rng, 2, 3), (3, 0, 0, 1))),
        # four different numbers: every misreading of their order changes the shape
        Case("four", (randn(rng, 3, 4), tuple(int(v) for v in rng.permutation(4)))),
    ]


def convolve_range_cases(rng):
    cases = []
    for mode in ("valid", "full", "same"):
        for kh, kw in ((1, 1), (4, 4), (1, 2), (3, 4)):
            cases.append(Case(mode, (randn(rng, 5, 6), randn(rng, kh, kw), mode)))
    cases.append(Case("valid", (randn(rng, 3, 4), randn(rng, 3, 4), "valid")))  # kernel = image
    return cases


def size_range_cases(rng):
    cases = []
    for category, stride, dilation in (("basic", 1, 1), ("stride", 2, 1), ("stride", 3, 1)):
        for k in (1, int(rng.integers(2, 6))):
            for p in (0, int(rng.integers(1, 4))):
                span = dilation * (k - 1) + 1
                # the smallest input that fits the kernel: exactly one output
                cases.append(
                    Case(
                        category,
                        (max(1, span - 2 * p), k),
                        {"padding": p, "stride": stride, "dilation": dilation},
                    )
                )
                # a remainder of stride - 1: floor and ceil part
                n = span - 2 * p + stride * int(rng.integers(1, 5)) + stride - 1
                cases.append(Case(category, (max(n, span), k), {"padding": p, "stride": stride}))
    for dilation in (2, 3):
        k = int(rng.integers(2, 5))
        n = dilation * (k - 1) + 1 + int(rng.integers(0, 6))
        cases.append(Case("dilation", (n, k), {"dilation": dilation}))
        # padding on both sides: counting it once is off by 2 / stride
        cases.append(Case("dilation", (n, k), {"padding": 2, "dilation": dilation}))
        # with a stride, a remainder of stride - 1 again: floor and ceil part
        odd = dilation * (k - 1) + 1 - 2 + 2 * int(rng.integers(1, 5)) + 1
        cases.append(Case("dilation", (odd, k), {"padding": 1, "stride": 2, "dilation": dilation}))
    return cases


add_cases(
    COMPONENTS,
    {
        "test_corr2d": corr2d_range_cases,
        "test_pad2d": pad2d_range_cases,
        "test_convolve2d": convolve_range_cases,
        "test_conv_output_size": size_range_cases,
    },
)
