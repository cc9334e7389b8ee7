"""Checks for assignment 7: flatten, linear, linear_backward, losses."""

import numpy as np

import solutions as S
from autograder.checks import Case, Component, Mistake, Variant, add_cases, attach_mistakes, randn


def linear_cases(rng):
    x, w, b, d = randn(rng, 5, 7), randn(rng, 3, 7), randn(rng, 3), randn(rng, 5, 3)
    return [
        Case("flatten", (randn(rng, 4, 2, 3, 3),), function="flatten"),
        Case("linear", (x, w, b), function="linear"),
        Case("linear", (x, w), function="linear"),
        Case("linear_backward", (d, x, w), function="linear_backward"),
        Case(
            "linear_backward",
            (randn(rng, 1, 4), randn(rng, 1, 6), randn(rng, 4, 6)),
            function="linear_backward",
        ),
    ]


LOGITS_HINT = "for logits of magnitude 1000 — subtract each row's maximum, not the batch's"


def loss_cases(rng):
    cases = []
    for category, scale in (("basic", 1.0), ("basic", 3.0), ("large_logits", 300.0)):
        n, k = int(rng.integers(2, 9)), int(rng.integers(2, 7))
        cases.append(
            Case(category, (randn(rng, n, k) * scale, rng.integers(0, k, n)), hint=LOGITS_HINT)
        )
    # N != K, so that a mean over the wrong axis or a transposed gradient cannot pass
    cases.append(Case("basic", (randn(rng, 5, 3) * 2, rng.integers(0, 3, 5))))
    # rows of very different scale (about 1000, 1 and -1000): one maximum for the whole batch
    # underflows every exponential of the small rows to 0, and log(0) = -inf
    mixed = randn(rng, 6, 4) + rng.permutation(np.resize([1000.0, 0.0, -1000.0], 6))[:, None]
    cases.append(Case("large_logits", (mixed, rng.integers(0, 4, 6)), hint=LOGITS_HINT))
    return cases


def mse_cases(rng):
    return [
        Case("basic", (randn(rng, 4, 3), randn(rng, 4, 3))),
        Case("basic", (randn(rng, 7), randn(rng, 7))),
    ]


REFERENCE = {"flatten": S.flatten, "linear": S.linear, "linear_backward": S.linear_backward}

COMPONENTS = [
    Component(
        "test_linear",
        "linear",
        REFERENCE,
        {"flatten": 1, "linear": 1, "linear_backward": 2},
        linear_cases,
        [
            Variant(
                "dw is averaged over the batch: every example used the same w, so their gradients add up.",
                lambda d, x, w: (d @ w, d.T @ x / len(x), d.sum(axis=0)),
            ),
            Variant(
                "dw uses only the first example: sum over the whole batch.",
                lambda d, x, w: (d @ w, d[:1].T @ x[:1], d.sum(axis=0)),
            ),
        ],
    ),
    Component(
        "test_softmax_cross_entropy",
        "softmax_cross_entropy",
        S.softmax_cross_entropy,
        {"basic": 2, "large_logits": 2},
        loss_cases,
        [
            Variant(
                "The loss is summed over the batch, not averaged.",
                lambda z, y: (
                    S.softmax_cross_entropy(z, y)[0] * len(y),
                    S.softmax_cross_entropy(z, y)[1],
                ),
            ),
        ],
    ),
    Component(
        "test_mse_loss",
        "mse_loss",
        S.mse_loss,
        {"basic": 2},
        mse_cases,
        [
            Variant(
                "The loss is a sum, not a mean over every element.",
                lambda p, t: (S.mse_loss(p, t)[0] * p.size, S.mse_loss(p, t)[1] * p.size),
            ),
        ],
    ),
]


# The classic mistakes, written once: each is a Variant of its component above and the
# planted mistake of a sample submission (autograder.samples).
MISTAKES = [
    Mistake(
        cell="linear",
        component="test_linear",
        function="linear_backward",
        summary="swaps dx and dw",
        diagnosis="dx and dw are swapped: dx = dout @ w has x's shape, dw = dout.T @ x has w's shape.",
        code="""
def linear_backward(dout, x, w):
    dout = np.asarray(dout)
    return dout.T @ x, dout @ w, dout.sum(axis=0)
""",
    ),
    Mistake(
        cell="softmax_cross_entropy",
        component="test_softmax_cross_entropy",
        function="softmax_cross_entropy",
        summary="forgets to average the gradient over the batch",
        diagnosis="The gradient is not averaged over the batch: divide softmax - onehot by N, as the loss is.",
        code="""
_correct_sce = softmax_cross_entropy
def softmax_cross_entropy(logits, y):
    loss, d = _correct_sce(logits, y)
    return loss, d * len(y)
""",
    ),
    Mistake(
        cell="mse_loss",
        component="test_mse_loss",
        function="mse_loss",
        summary="forgets the factor 2 of the derivative",
        diagnosis="The derivative misses the factor 2 of (p - t)^2.",
        code="""
def mse_loss(pred, target):
    diff = np.asarray(pred, dtype=float) - np.asarray(target, dtype=float)
    return float(np.mean(diff**2)), diff / diff.size
""",
    ),
]
attach_mistakes(COMPONENTS, MISTAKES)


# Misconceptions met in the corpus of student submissions (tests/corpus/fully-connected/):
# the grader recognises them (as Variants); they are not planted in the samples.
RECOGNISED = [
    Mistake(
        cell="linear",
        component="test_linear",
        function="flatten",
        summary="flattens in column-major order",
        diagnosis="The rasterisation is not row-major: flatten reads each example's (C, H, W) in C order, x.reshape(N, -1).",
        code="""
def flatten(x):
    x = np.asarray(x)
    return x.reshape(x.shape[0], -1, order="F")
""",
    ),
    Mistake(
        cell="linear",
        component="test_linear",
        function="flatten",
        summary="moves the channels last before flattening",
        diagnosis="The rasterisation is not row-major: flatten reads each example's (C, H, W) in C order, x.reshape(N, -1).",
        code="""
def flatten(x):
    x = np.asarray(x)
    return np.moveaxis(x, 1, -1).reshape(x.shape[0], -1)
""",
    ),
    Mistake(
        cell="linear",
        component="test_linear",
        function="linear_backward",
        summary="averages db over the batch",
        diagnosis="db is averaged over the batch: every example used the same b, so their gradients add up.",
        code="""
_correct_linear_backward = linear_backward
def linear_backward(dout, x, w):
    dx, dw, db = _correct_linear_backward(dout, x, w)
    return dx, dw, db / len(dout)
""",
    ),
    Mistake(
        cell="softmax_cross_entropy",
        component="test_softmax_cross_entropy",
        function="softmax_cross_entropy",
        summary="clips the probabilities before the log",
        diagnosis="The probabilities are clipped before the log, so a confident wrong answer costs at most -log(clip): compute log-probabilities with log-sum-exp (z - max - log(sum(exp(z - max)))).",
        code="""
_correct_sce = softmax_cross_entropy
def softmax_cross_entropy(logits, y):
    z = np.asarray(logits, dtype=float)
    _, d = _correct_sce(z, y)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = (e / e.sum(axis=1, keepdims=True))[np.arange(len(y)), y]
    return float(-np.log(np.clip(p, 1e-12, 1.0)).mean()), d
""",
    ),
    Mistake(
        cell="mse_loss",
        component="test_mse_loss",
        function="mse_loss",
        summary="divides by the number of rows",
        diagnosis="The mean is taken over the number of rows (the batch size), not over every element (pred.size).",
        code="""
def mse_loss(pred, target):
    diff = np.asarray(pred, dtype=float) - np.asarray(target, dtype=float)
    return float((diff**2).sum() / len(diff)), 2 * diff / len(diff)
""",
    ),
]
attach_mistakes(COMPONENTS, RECOGNISED)


# --- every parameter over its valid range (issue 18, 1c and 1g) -----------------------------
# Drawn after the cases above, so that a seed still draws those the same way.


def linear_range_cases(rng):
    return [
        Case("flatten", (randn(rng, 3, 5),), function="flatten"),  # already flat: unchanged
        Case("flatten", (randn(rng, 2, 3, 4),), function="flatten"),
        Case("flatten", (randn(rng, 1, 2, 3, 4, 2),), function="flatten"),
        Case("linear", (randn(rng, 1, 4), randn(rng, 6, 4), randn(rng, 6)), function="linear"),
        Case(
            "linear_backward",
            (randn(rng, 6, 2), randn(rng, 6, 5), randn(rng, 2, 5)),
            function="linear_backward",
        ),
    ]


def loss_range_cases(rng):
    k = int(rng.integers(2, 7))
    n = int(rng.integers(2, 6))
    return [
        Case("basic", (randn(rng, 1, k), rng.integers(0, k, 1))),  # a batch of one
        Case("basic", (randn(rng, n, 2), rng.integers(0, 2, n))),  # two classes
        # every label the same class, and the logits of a confident wrong answer
        Case("basic", (randn(rng, n, k) * 2, np.full(n, k - 1))),
        Case("large_logits", (randn(rng, n, k) * 40 - 20, rng.integers(0, k, n)), hint=LOGITS_HINT),
    ]


def mse_range_cases(rng):
    return [
        Case("basic", (randn(rng, 2, 3, 4), randn(rng, 2, 3, 4))),
        Case("basic", (randn(rng, 5, 1), randn(rng, 5, 1))),
    ]


add_cases(
    COMPONENTS,
    {
        "test_linear": linear_range_cases,
        "test_softmax_cross_entropy": loss_range_cases,
        "test_mse_loss": mse_range_cases,
    },
)
