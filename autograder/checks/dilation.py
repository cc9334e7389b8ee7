"""Checks for assignment 3: conv2d with dilation, receptive_field."""

import numpy as np

import solutions as S
from autograder.checks import Case, Component, Mistake, Variant, add_cases, attach_mistakes, randn


def conv_cases(rng):
    cases = []
    for category, stride, padding, dilation in (
        ("basic", 1, 0, 1),
        ("dilation", 1, 0, 2),
        ("dilation", 1, 0, 3),
        ("dilation_stride", 2, 0, 2),
        ("dilation_padding", 1, 2, 2),
        ("dilation_padding", 2, 1, 3),
    ):
        k = int(rng.integers(2, 4))
        size = dilation * (k - 1) + 1 + int(rng.integers(1, 5))
        x = randn(rng, 2, 2, size, size + 1)
        cases.append(
            Case(
                category,
                (x, randn(rng, 3, 2, k, k), randn(rng, 3)),
                {"stride": stride, "padding": padding, "dilation": dilation},
            )
        )
    return cases


def field_cases(rng):
    cases = []
    for category, strides, dilations in (
        ("basic", False, False),
        ("stride", True, False),
        ("dilation", False, True),
        ("dilation", True, True),
    ):
        for _ in range(3):
            layers = [
                (
                    int(rng.integers(1, 6)),
                    int(rng.integers(1, 4)) if strides else 1,
                    int(rng.integers(1, 5)) if dilations else 1,
                )
                for _ in range(int(rng.integers(1, 6)))
            ]
            cases.append(Case(category, (layers,)))
    # the short forms (kernel,) and (kernel, stride) mean stride 1 and dilation 1: each stack
    # mixes all three forms, kernels and strides above 1, so every default is felt
    for _ in range(3):
        layers = [
            (int(rng.integers(2, 6)),),
            (int(rng.integers(2, 6)), int(rng.integers(2, 4))),
            (int(rng.integers(2, 6)), int(rng.integers(2, 4)), int(rng.integers(2, 5))),
        ] * 2
        order = rng.permutation(len(layers))
        cases.append(Case("stride", ([layers[i] for i in order],)))
    return cases


COMPONENTS = [
    Component(
        "test_conv2d_dilation",
        "conv2d",
        S.conv2d,
        {"basic": 1, "dilation": 2, "dilation_stride": 1, "dilation_padding": 1},
        conv_cases,
        [
            Variant(
                "The dilation is ignored.",
                lambda x, w, b=None, stride=1, padding=0, dilation=1: S.conv2d(
                    x, w, b, stride, padding
                ),
            ),
        ],
    ),
    Component(
        "test_receptive_field",
        "receptive_field",
        S.receptive_field,
        {"basic": 1, "stride": 1, "dilation": 1},
        field_cases,
        [],
    ),
]


# The classic mistakes, written once: each is a Variant of its component above and the
# planted mistake of a sample submission (autograder.samples).
MISTAKES = [
    Mistake(
        cell="conv2d",
        component="test_conv2d_dilation",
        function="conv2d",
        summary="applies the dilation to the input (skips input rows) instead of the kernel",
        diagnosis="The dilation is applied to the input (skipping input pixels) instead of the kernel: the taps of the kernel are d apart, the window still starts at i * stride.",
        code="""
_correct_conv2d = conv2d
def conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    xd = np.asarray(x, dtype=float)[:, :, ::dilation, ::dilation]
    return _correct_conv2d(xd, w, b, stride, padding, 1)
""",
    ),
    Mistake(
        cell="receptive_field",
        component="test_receptive_field",
        function="receptive_field",
        summary="forgets that strides multiply the jump",
        diagnosis="The strides are forgotten: after a layer with stride s, one step of the next layer spans s times as many input pixels (the jump j *= s).",
        code="""
def receptive_field(layers):
    r = 1
    for layer in layers:
        d = layer[2] if len(layer) > 2 else 1
        r += d * (layer[0] - 1)
    return r
""",
    ),
]
attach_mistakes(COMPONENTS, MISTAKES)


# Misconceptions met in the corpus of student submissions (tests/corpus/dilation/): the
# grader recognises them (as Variants); they are not planted in the samples.
RECOGNISED = [
    Mistake(
        cell="conv2d",
        component="test_conv2d_dilation",
        function="conv2d",
        summary="takes the dilation for the number of holes between taps",
        diagnosis="The taps are dilation + 1 apart: dilation d puts them d apart (d = 1 is an ordinary kernel).",
        code="""
_correct_conv2d = conv2d
def conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    return _correct_conv2d(x, w, b, stride, padding, dilation + 1)
""",
    ),
    Mistake(
        cell="receptive_field",
        component="test_receptive_field",
        function="receptive_field",
        summary="multiplies the jump by a layer's stride before adding its span",
        diagnosis="The jump grows before the layer's own span is added: a layer's stride only widens the layers after it (r += d (k - 1) j, then j *= s).",
        code="""
def receptive_field(layers):
    r, jump = 1, 1
    for layer in layers:
        k, s, d = (list(layer) + [1, 1])[:3]
        jump *= s
        r += d * (k - 1) * jump
    return r
""",
    ),
]
attach_mistakes(COMPONENTS, RECOGNISED)


# --- every parameter over its valid range (issue 18, 1c and 1g) -----------------------------
# Drawn after the cases above, so that a seed still draws those the same way.


def conv_range_cases(rng):
    cases = []
    for category, stride, padding, dilation in (
        ("basic", 1, 1, 1),
        ("dilation", 1, 0, 4),
        ("dilation", 1, 0, 2),
        ("dilation_stride", 3, 0, 2),
        ("dilation_stride", 2, 0, 3),
        ("dilation_padding", 1, 3, 2),
        ("dilation_padding", 3, 2, 2),
    ):
        kh, kw = (int(v) for v in rng.choice(np.arange(1, 4), 2, replace=False))  # kh != kw
        span_h, span_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1
        # a remainder of stride - 1 (a rounded-up size cannot pass), and at least the span
        h = max(span_h, span_h - 2 * padding + stride * int(rng.integers(1, 3)) + stride - 1)
        w = max(span_w, span_w - 2 * padding + stride * int(rng.integers(1, 3)) + stride - 1)
        options = {"stride": stride, "padding": padding, "dilation": dilation}
        x, weights = randn(rng, 2, 2, h, w), randn(rng, 3, 2, kh, kw)
        cases.append(Case(category, (x, weights, randn(rng, 3)), options))
    # the kernel's dilated span exactly the input: one output pixel; and no bias
    cases.append(
        Case("dilation", (randn(rng, 1, 2, 7, 5), randn(rng, 2, 2, 4, 3)), {"dilation": 2})
    )
    return cases


def field_range_cases(rng):
    return [
        Case("basic", ([(1, 1, 1)],)),  # the lower ends: one 1 x 1 layer sees one pixel
        Case("basic", ([(int(rng.integers(2, 8)), 1, 1)],)),
        # several layers wider than 1: their windows overlap (a sum of spans cannot pass)
        Case("basic", ([(int(rng.integers(2, 6)), 1, 1) for _ in range(3)],)),
        # a stride on the last layer widens nothing; on the first, everything after it
        Case("stride", ([(3, 1, 1), (3, 1, 1), (2, 4, 1)],)),
        Case("stride", ([(2, 3, 1), (1, 2, 1), (3, 1, 1)],)),
        Case("dilation", ([(1, 2, 5), (3, 1, 4), (2, 3, 2)],)),
    ]


add_cases(
    COMPONENTS,
    {"test_conv2d_dilation": conv_range_cases, "test_receptive_field": field_range_cases},
)
