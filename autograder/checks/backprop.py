"""Checks for assignment 8: numerical gradient, gradient check, conv2d_backward."""

import numpy as np

import solutions as S
from autograder.checks import (
    Case,
    Component,
    Mistake,
    Named,
    Variant,
    add_cases,
    attach_mistakes,
    randn,
)


def numerical_cases(rng):
    x = randn(rng, 3, 4)
    right = (1 - np.tanh(x) ** 2) * 1.0
    big = rng.uniform(50, 150, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    small = rng.uniform(5e-4, 2e-3, (2, 3)) * rng.choice([-1.0, 1.0], (2, 3))
    return [
        Case(
            "numerical_gradient",
            (Named("square"), randn(rng, 2, 3), randn(rng, 2, 3)),
            function="numerical_gradient",
        ),
        Case(
            "numerical_gradient",
            (Named("cubic_mix"), randn(rng, 4), randn(rng, 4)),
            function="numerical_gradient",
        ),
        Case(
            "numerical_gradient",
            (Named("sin_sum"), randn(rng, 2, 2)),
            function="numerical_gradient",
        ),
        # every entry coupled to every other: an entry left perturbed (never restored, or
        # restored to the wrong value) changes every later entry's answer
        Case(
            "numerical_gradient",
            (Named("coupled"), randn(rng, 3, 4), randn(rng, 3, 4)),
            function="numerical_gradient",
        ),
        Case("gradient_check", (Named("tanh"), x, right), function="gradient_check"),
        # gradients in the thousands: the relative error is ~1e-9, the absolute one ~1e-5, so
        # a check that reports the absolute error (the usual shortcut) calls a right one wrong
        Case(
            "gradient_check", (Named("cubic_mix"), big, 3 * big**2 - 2), function="gradient_check"
        ),
        Case("gradient_check", (Named("tanh"), x, np.tanh(x)), function="gradient_check"),
        # gradients 10% off, of the same sign, small (~1e-3) and large (~1e4): only a relative
        # error scaled by |a| + |b| calls both wrong (an absolute error, a product or a floor
        # of 1 in the denominator, or a floored quotient, calls one of them right)
        Case(
            "gradient_check",
            (Named("square"), small, 1.1 * 2 * small),
            function="gradient_check",
        ),
        Case(
            "gradient_check",
            (Named("cubic_mix"), big, 1.1 * (3 * big**2 - 2)),
            function="gradient_check",
        ),
    ]


def compare_gradient_check(student, expected, case):
    """A relative error is judged by what it says, not digit by digit.

    Two central differences with the same step agree to round-off (about 1e-11 here), a
    one-sided one is off by about eps * f'' / 2 = 5e-6: a tolerance of 1e-7 tells them apart
    on every draw (1e-5 let a one-sided difference through on 2 draws in 1000).
    """
    if case.function != "gradient_check":
        return (
            None
            if np.allclose(student, expected, rtol=1e-7, atol=1e-8)
            else "the numerical gradient differs"
        )
    value = float(np.asarray(student))
    if expected < 1e-7 and not value < 1e-7:
        return f"a correct gradient must give a relative error below 1e-7, got {value:.3g}"
    if expected > 1e-2 and not value > 1e-2:
        return f"a wrong gradient must give a large relative error, got {value:.3g}"
    return None


def backward_cases(rng):
    cases = []
    for category, stride, padding in (
        ("basic", 1, 0),
        ("stride", 2, 0),
        ("padding", 1, 1),
        ("stride_padding", 2, 1),
        ("stride_padding", 3, 2),
    ):
        x, w = randn(rng, 3, 2, 7, 8), randn(rng, 4, 2, 3, 2)
        dout = randn(rng, *S.conv2d(x, w, stride=stride, padding=padding).shape)
        cases.append(Case(category, (dout, x, w, stride, padding)))
    # an odd width: a slice end written padding | W or padding ^ W agrees with padding + W on
    # W = 8 for paddings 1 and 2, not on W = 7
    for category, stride, padding in (("padding", 1, 1), ("stride_padding", 2, 2)):
        x, w = randn(rng, 2, 2, 6, 7), randn(rng, 3, 2, 3, 3)
        dout = randn(rng, *S.conv2d(x, w, stride=stride, padding=padding).shape)
        cases.append(Case(category, (dout, x, w, stride, padding)))
    return cases


def dx_unrotated(dout, x, w, stride=1, padding=0):
    _, dw, db = S.conv2d_backward(dout, x, w, stride, padding)
    return S.conv2d_backward(dout, x, w[..., ::-1, ::-1], stride, padding)[0], dw, db


COMPONENTS = [
    Component(
        "test_numerical_gradient",
        "numerical_gradient",
        {"numerical_gradient": S.numerical_gradient, "gradient_check": S.gradient_check},
        {"numerical_gradient": 2, "gradient_check": 1},
        numerical_cases,
        [],
        compare=compare_gradient_check,
    ),
    Component(
        "test_conv2d_backward",
        "conv2d_backward",
        S.conv2d_backward,
        {"basic": 2, "stride": 1, "padding": 1, "stride_padding": 2},
        backward_cases,
        [
            Variant(
                "dx uses the kernel unrotated: the input gradient is the full convolution of dout with "
                "the kernel rotated by 180 degrees.",
                dx_unrotated,
            ),
            Variant(
                "db is averaged instead of summed over the batch and positions.",
                lambda d, x, w, s=1, p=0: (
                    *S.conv2d_backward(d, x, w, s, p)[:2],
                    d.mean(axis=(0, 2, 3)),
                ),
            ),
        ],
    ),
]


# The classic mistakes, written once: each is a Variant of its component above and the
# planted mistake of a sample submission (autograder.samples).
MISTAKES = [
    Mistake(
        cell="numerical_gradient",
        component="test_numerical_gradient",
        function="numerical_gradient",
        summary="uses a one-sided difference, far less accurate",
        diagnosis="A one-sided difference (f(x + eps) - f(x)) / eps: use the central difference (f(x + eps) - f(x - eps)) / (2 eps), far more accurate.",
        code="""
def numerical_gradient(f, x, dout=1.0, eps=1e-5):
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    base = np.sum(f(x) * dout)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + eps
        flat_grad[i] = (np.sum(f(x) * dout) - base) / eps
        flat_x[i] = old
    return grad
""",
    ),
    Mistake(
        cell="conv2d_backward",
        component="test_conv2d_backward",
        function="conv2d_backward",
        summary="does not sum the weight gradient over the batch",
        diagnosis="dw is not summed over the batch: every example contributes to the weight gradient.",
        code="""
_correct_backward = conv2d_backward
def conv2d_backward(dout, x, w, stride=1, padding=0):
    dx, _, db = _correct_backward(dout, x, w, stride, padding)
    _, dw_first, _ = _correct_backward(dout[:1], x[:1], w, stride, padding)
    return dx, dw_first, db
""",
    ),
]
attach_mistakes(COMPONENTS, MISTAKES)


def one_wrong_entry_cases(rng):
    """An analytic gradient right in all but one of 200 entries: a check that averages the
    entries' errors (or sums them over a norm) dilutes the one wrong entry below any
    threshold; the worst entry's relative error (about 0.2 here) is what flags it."""
    x = randn(rng, 10, 20)
    analytic = 1 - np.tanh(x) ** 2
    worst = int(rng.integers(0, x.size))
    analytic.reshape(-1)[worst] *= 1.5
    return [Case("gradient_check", (Named("tanh"), x, analytic), function="gradient_check")]


add_cases(COMPONENTS, {"test_numerical_gradient": one_wrong_entry_cases})


# Misconceptions met in the corpus of student submissions (tests/corpus/backprop/): the
# grader recognises them (as Variants); they are not planted in the samples.
RECOGNISED = [
    Mistake(
        cell="numerical_gradient",
        component="test_numerical_gradient",
        function="numerical_gradient",
        summary="divides the central difference by eps",
        diagnosis="The central difference spans 2 * eps: divide f(x + eps) - f(x - eps) by 2 * eps, not eps.",
        code="""
_correct_numerical_gradient = numerical_gradient
def numerical_gradient(f, x, dout=1.0, eps=1e-5):
    return 2 * _correct_numerical_gradient(f, x, dout, eps)
""",
    ),
    Mistake(
        cell="numerical_gradient",
        component="test_numerical_gradient",
        function="numerical_gradient",
        summary="forgets dout",
        diagnosis="The upstream gradient dout is ignored: differentiate sum(f(x) * dout), not sum(f(x)).",
        code="""
_correct_numerical_gradient = numerical_gradient
def numerical_gradient(f, x, dout=1.0, eps=1e-5):
    return _correct_numerical_gradient(f, x, 1.0, eps)
""",
    ),
]
attach_mistakes(COMPONENTS, RECOGNISED)


# --- every parameter over its valid range (issue 18, 1c and 1g) -----------------------------


def numerical_range_cases(rng):
    x = randn(rng, 2, 3)
    return [
        # eps is a parameter: a step of 1e-2 moves a cubic's central difference by eps^2 =
        # 1e-4, tanh's by about 1e-5, far beyond round-off: a fixed step cannot pass
        Case(
            "numerical_gradient",
            (Named("cubic_mix"), x, randn(rng, 2, 3), 1e-2),
            function="numerical_gradient",
        ),
        Case(
            "numerical_gradient",
            (Named("tanh"), randn(rng, 5), 1.0),
            {"eps": 1e-2},
            function="numerical_gradient",
        ),
        Case("numerical_gradient", (Named("square"), randn(rng, 1)), function="numerical_gradient"),
    ]


def backward_range_cases(rng):
    cases = []
    for category, stride, padding in (("basic", 1, 0), ("stride", 3, 0), ("padding", 1, 2)):
        x, w = randn(rng, 2, 3, 8, 7), randn(rng, 2, 3, 1, 3)
        dout = randn(rng, *S.conv2d(x, w, stride=stride, padding=padding).shape)
        cases.append(Case(category, (dout, x, w, stride, padding)))
    x, w = randn(rng, 1, 1, 4, 5), randn(rng, 3, 1, 4, 5)  # the kernel as large as the input
    cases.append(Case("basic", (randn(rng, 1, 3, 1, 1), x, w)))
    return cases


add_cases(
    COMPONENTS,
    {
        "test_numerical_gradient": numerical_range_cases,
        "test_conv2d_backward": backward_range_cases,
    },
)
