"""Checks for assignment 2: conv2d (stride, padding), conv1x1, conv2d_cost."""

import numpy as np

import solutions as S
from autograder.checks import Case, Component, Mistake, Variant, add_cases, attach_mistakes, randn


def conv_cases(rng):
    cases = []
    for category, stride, padding in (
        ("basic", 1, 0),
        ("multichannel", 1, 0),
        ("stride", 2, 0),
        ("padding", 1, 1),
        ("padding", 2, 2),
    ):
        c_in, c_out = (
            (1, 1) if category == "basic" else (int(rng.integers(2, 4)), int(rng.integers(2, 4)))
        )
        k = int(rng.integers(2, 4))
        x = randn(rng, 2, c_in, int(rng.integers(5, 9)), int(rng.integers(5, 9)))
        cases.append(
            Case(
                category,
                (x, randn(rng, c_out, c_in, k, k), randn(rng, c_out)),
                {"stride": stride, "padding": padding},
            )
        )
    return cases


def padded_one_side(x, w, b=None, stride=1, padding=0):
    return S.conv2d(S.pad2d(x, (0, 2 * padding, 0, 2 * padding)), w, b, stride=stride)


def conv1x1_cases(rng):
    return [
        Case("basic", (randn(rng, 2, 4, 3, 5), randn(rng, 3, 4))),
        Case("bias", (randn(rng, 3, 2, 4, 4), randn(rng, 5, 2), randn(rng, 5))),
    ]


def cost_cases(rng):
    cases = []
    for _ in range(4):
        c_in, c_out, k, o = (int(v) for v in rng.integers(1, 20, 4))
        cases.append(
            Case("basic", (c_in, c_out, (k % 5) + 1, o), {"bias": bool(rng.integers(0, 2))})
        )
    for g in (2, 3, 4):
        cases.append(
            Case(
                "groups",
                (g * int(rng.integers(1, 5)), g * int(rng.integers(1, 5)), 3, (7, 5)),
                {"groups": g},
            )
        )
    # kernel_size and output_size may each be an int or a pair: every combination, kh != kw
    for kernel, output in (((2, 5), 6), ((5, 3), (4, 7))):
        c_in, c_out = (int(v) for v in rng.integers(1, 20, 2))
        cases.append(Case("basic", (c_in, c_out, kernel, output), {"bias": True}))
    return cases


COMPONENTS = [
    Component(
        "test_conv2d",
        "conv2d",
        S.conv2d,
        {"basic": 1, "multichannel": 1, "stride": 1, "padding": 1},
        conv_cases,
        [
            Variant(
                "The bias is missing: out[n, o] gets + b[o].",
                lambda x, w, b=None, stride=1, padding=0: S.conv2d(x, w, None, stride, padding),
            ),
            Variant(
                "The kernel is flipped: deep-learning convolution is a cross-correlation.",
                lambda x, w, b=None, stride=1, padding=0: S.conv2d(
                    x, w[..., ::-1, ::-1], b, stride, padding
                ),
            ),
            Variant(
                "The kernel is transposed (rows and columns swapped).",
                lambda x, w, b=None, stride=1, padding=0: S.conv2d(
                    x, w.swapaxes(2, 3), b, stride, padding
                ),
            ),
            Variant(
                "The padding went to one side only: pad `padding` rows/columns on every side.",
                padded_one_side,
            ),
            Variant(
                "The stride is applied to the rows only: the window moves by `stride` along both axes.",
                lambda x, w, b=None, stride=1, padding=0: S.conv2d(x, w, b, (stride, 1), padding),
            ),
        ],
    ),
    Component("test_conv1x1", "conv1x1", S.conv1x1, {"basic": 2, "bias": 1}, conv1x1_cases, []),
    Component(
        "test_conv2d_cost",
        "conv2d_cost",
        lambda *a, **k: tuple(S.conv2d_cost(*a, **k)),
        {"basic": 1, "groups": 1},
        cost_cases,
        [
            Variant(
                "Each weight is used once per output pixel: multiply-adds = weights x H_out x W_out.",
                lambda *a, **k: (
                    S.conv2d_cost(*a, **k).params,
                    S.conv2d_cost(*a, **k).mult_adds // int(np.prod(np.broadcast_to(a[3], 2))),
                ),
            ),
            Variant(
                "With groups, each output channel sees only C_in / groups input channels.",
                lambda *a, **k: tuple(S.conv2d_cost(*a, **{**k, "groups": 1})),
            ),
        ],
    ),
]


# The classic mistakes, written once: each is a Variant of its component above and the
# planted mistake of a sample submission (autograder.samples).
MISTAKES = [
    Mistake(
        cell="conv2d",
        component="test_conv2d",
        function="conv2d",
        summary="adds the bias once per input channel",
        diagnosis="The bias is added once per input channel: add b[o] once to each output channel, after summing over the input channels.",
        code="""
_correct_conv2d = conv2d
def conv2d(x, w, b=None, stride=1, padding=0):
    out = _correct_conv2d(x, w, None, stride, padding)
    return out if b is None else out + np.shape(x)[1] * np.asarray(b)[None, :, None, None]
""",
    ),
    Mistake(
        cell="conv1x1",
        component="test_conv1x1",
        function="conv1x1",
        summary="forgets the bias",
        diagnosis="The bias is missing.",
        code="""
def conv1x1(x, w, b=None):
    n_batch, c_in, h, width = np.shape(x)
    return (np.asarray(w) @ np.asarray(x).reshape(n_batch, c_in, h * width)).reshape(n_batch, -1, h, width)
""",
    ),
    Mistake(
        cell="conv2d_cost",
        component="test_conv2d_cost",
        function="conv2d_cost",
        summary="forgets the biases in the parameter count",
        diagnosis="The biases are not counted as parameters.",
        code="""
_correct_cost = conv2d_cost
def conv2d_cost(c_in, c_out, kernel_size, output_size, groups=1, bias=True):
    return _correct_cost(c_in, c_out, kernel_size, output_size, groups, bias=False)
""",
    ),
]
attach_mistakes(COMPONENTS, MISTAKES)


# Misconceptions met in the corpus of student submissions (tests/corpus/channels/): the
# grader recognises them (as Variants); they are not planted in the samples.
RECOGNISED = [
    Mistake(
        cell="conv2d",
        component="test_conv2d",
        function="conv2d",
        summary="uses one kernel for all the input channels of an output",
        diagnosis="One kernel shared by every input channel (w[o, 0]): each input channel c has its own kernel w[o, c].",
        code="""
_correct_conv2d = conv2d
def conv2d(x, w, b=None, stride=1, padding=0):
    w = np.asarray(w)
    shared = np.repeat(w[:, :1], w.shape[1], axis=1)
    return _correct_conv2d(x, shared, b, stride, padding)
""",
    ),
    Mistake(
        cell="conv2d",
        component="test_conv2d",
        function="conv2d",
        summary="assigns instead of adding up over the input channels",
        diagnosis="Only the last input channel counts (= instead of +=): an output sums its kernels' responses over every input channel.",
        code="""
_correct_conv2d = conv2d
def conv2d(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x), np.asarray(w)
    return _correct_conv2d(x[:, -1:], w[:, -1:], b, stride, padding)
""",
    ),
]
attach_mistakes(COMPONENTS, RECOGNISED)


# --- every parameter over its valid range (issue 18, 1c and 1g) -----------------------------
# Drawn after the cases above, so that a seed still draws those the same way.


def conv_range_cases(rng):
    cases = []
    for category, stride, padding in (
        ("basic", 1, 0),
        ("multichannel", 1, 0),
        ("stride", 2, 0),
        ("stride", 3, 0),
        ("padding", 1, 2),
        ("padding", 2, 1),
        ("padding", 3, 2),
    ):
        c_in, c_out = int(rng.integers(2, 4)), int(rng.integers(2, 4))
        if category == "basic":
            c_in = c_out = 1
        kh, kw = (int(v) for v in rng.choice(np.arange(1, 4), 2, replace=False))  # kh != kw
        # sizes that leave a remainder of stride - 1: a rounded-up size cannot pass
        h = kh - 2 * padding + stride * int(rng.integers(1, 4)) + stride - 1
        w = kw - 2 * padding + stride * int(rng.integers(1, 4)) + stride - 1
        x = randn(rng, 2, c_in, max(h, kh), max(w, kw))
        weights = randn(rng, c_out, c_in, kh, kw)
        options = {"stride": stride, "padding": padding}
        cases.append(Case(category, (x, weights, randn(rng, c_out)), options))
    cases.append(Case("basic", (randn(rng, 1, 1, 5, 6), randn(rng, 1, 1, 2, 3))))  # no bias
    cases.append(Case("multichannel", (randn(rng, 2, 3, 5, 5), randn(rng, 4, 3, 1, 1), None)))
    return cases


def cost_range_cases(rng):
    c_in, c_out = (int(v) for v in rng.integers(1, 20, 2))
    return [
        Case("basic", (c_in, c_out, 3, 5), {"bias": True}),
        Case("basic", (c_in, c_out, 3, 5), {"bias": False}),
        Case("basic", (c_in, c_out, (1, 3), (4, 6))),  # pairs: (kh, kw) and (H_out, W_out)
        Case("basic", (c_in, c_out, 1, 1)),  # the lower ends
        Case("groups", (6, 4, (3, 1), 5), {"groups": 2, "bias": False}),
        Case("groups", (4, 8, 3, (2, 3)), {"groups": 4}),  # depthwise-like, 2 filters a group
    ]


add_cases(COMPONENTS, {"test_conv2d": conv_range_cases, "test_conv2d_cost": cost_range_cases})
