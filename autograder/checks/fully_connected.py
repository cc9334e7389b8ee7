"""Checks for assignment 7: flatten, linear, linear_backward, losses."""

import solutions as S
from autograder.checks import Case, Component, Variant, randn


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


def loss_cases(rng):
    cases = []
    for category, scale in (("basic", 1.0), ("basic", 3.0), ("large_logits", 300.0)):
        n, k = int(rng.integers(2, 9)), int(rng.integers(2, 7))
        cases.append(Case(category, (randn(rng, n, k) * scale, rng.integers(0, k, n))))
    return cases


def mse_cases(rng):
    return [
        Case("basic", (randn(rng, 4, 3), randn(rng, 4, 3))),
        Case("basic", (randn(rng, 7), randn(rng, 7))),
    ]


REFERENCE = {"flatten": S.flatten, "linear": S.linear, "linear_backward": S.linear_backward}

COMPONENTS = [
    Component("test_linear", "linear", REFERENCE, {"flatten": 1, "linear": 1, "linear_backward": 2}, linear_cases, [
        Variant("dx and dw are swapped: dx = dout @ w has x's shape, dw = dout.T @ x has w's shape.",
                lambda d, x, w: (d.T @ x, d @ w, d.sum(axis=0))),
        Variant("dw is averaged over the batch: every example used the same w, so their gradients add up.",
                lambda d, x, w: (d @ w, d.T @ x / len(x), d.sum(axis=0))),
        Variant("dw uses only the first example: sum over the whole batch.",
                lambda d, x, w: (d @ w, d[:1].T @ x[:1], d.sum(axis=0))),
    ]),
    Component("test_softmax_cross_entropy", "softmax_cross_entropy", S.softmax_cross_entropy,
              {"basic": 2, "large_logits": 2}, loss_cases, [
        Variant("The gradient is not averaged over the batch: divide softmax - onehot by N, as the loss is.",
                lambda z, y: (S.softmax_cross_entropy(z, y)[0], S.softmax_cross_entropy(z, y)[1] * len(y))),
        Variant("The loss is summed over the batch, not averaged.",
                lambda z, y: (S.softmax_cross_entropy(z, y)[0] * len(y), S.softmax_cross_entropy(z, y)[1])),
    ]),
    Component("test_mse_loss", "mse_loss", S.mse_loss, {"basic": 2}, mse_cases, [
        Variant("The derivative misses the factor 2 of (p - t)^2.",
                lambda p, t: (S.mse_loss(p, t)[0], S.mse_loss(p, t)[1] / 2)),
        Variant("The loss is a sum, not a mean over every element.",
                lambda p, t: (S.mse_loss(p, t)[0] * p.size, S.mse_loss(p, t)[1] * p.size)),
    ]),
]  # fmt: skip
