"""Checks for assignment 5: activation functions and their derivatives."""

import numpy as np

import solutions as S
from autograder.checks import Case, Component, Variant, randn


def with_zeros(rng, *shape):
    x = randn(rng, *shape) * 3
    x.reshape(-1)[::7] = 0.0  # the kinks are where conventions matter
    return x


def relu_cases(rng):
    x, d = with_zeros(rng, 4, 5), randn(rng, 4, 5)
    return [
        Case("relu", (x,), function="relu"),
        Case("relu", (d, x), function="relu_backward"),
        Case("leaky_relu", (x, 0.2), function="leaky_relu"),
        Case("leaky_relu", (d, x, 0.2), function="leaky_relu_backward"),
        Case("elu", (x, 0.7), function="elu"),
        Case("elu", (d, x, 0.7), function="elu_backward"),
    ]


def prelu_cases(rng):
    x, d, a = with_zeros(rng, 3, 4, 2, 3), randn(rng, 3, 4, 2, 3), rng.uniform(0.05, 0.5, 4)
    return [
        Case("forward", (x, a), function="prelu"),
        Case("backward", (d, x, a), function="prelu_backward"),
    ]


def sigmoid_cases(rng):
    x, d = randn(rng, 5, 6) * 5, randn(rng, 5, 6)
    x[0, :3] = [-800.0, 800.0, 0.0]
    return [
        Case("sigmoid", (x,), function="sigmoid"),
        Case("sigmoid_backward", (d, x), function="sigmoid_backward"),
        Case("tanh_backward", (d, x), function="tanh_backward"),
    ]


def maxout_cases(rng):
    x = randn(rng, 2, 6, 3, 3)
    x[:, 0] = x[:, 1]  # ties: the first wins
    return [
        Case("forward", (x, 2), function="maxout"),
        Case("backward", (randn(rng, 2, 3, 3, 3), x, 2), function="maxout_backward"),
    ]


def softmax_cases(rng):
    x, d = randn(rng, 4, 6) * 3, randn(rng, 4, 6)
    big = randn(rng, 3, 5) * 400
    big[:, int(rng.integers(0, 5))] = 1000.0  # exp(1000) overflows: only a stable softmax survives
    return [
        Case("forward", (x,), function="softmax"),
        Case("forward", (x, 0), function="softmax"),
        Case("stability", (big,), function="softmax"),
        Case("backward", (d, x), function="softmax_backward"),
        Case("backward", (d, x, 0), function="softmax_backward"),
    ]


REFERENCE = {name: getattr(S, name) for name in (
    "relu", "relu_backward", "leaky_relu", "leaky_relu_backward", "elu", "elu_backward", "prelu", "sigmoid",
    "sigmoid_backward", "tanh_backward", "maxout", "maxout_backward", "softmax", "softmax_backward")}  # fmt: skip
REFERENCE["prelu_backward"] = lambda d, x, a: S.prelu_backward(d, x, a)


def unstable_softmax(x, axis=-1):
    with np.errstate(all="ignore"):
        e = np.exp(x)
        return e / e.sum(axis=axis, keepdims=True)


COMPONENTS = [
    Component("test_relu_family", "relu", REFERENCE, {"relu": 2, "leaky_relu": 1, "elu": 1}, relu_cases, [
        Variant("relu_backward lets the gradient through at x = 0: use x > 0, not x >= 0.",
                lambda d, x: d * (x >= 0)),
    ]),
    Component("test_prelu", "prelu", REFERENCE, {"forward": 1, "backward": 2}, prelu_cases, [
        Variant("dalpha sums dout * x over every cell: only the cells where x <= 0 use alpha.",
                lambda d, x, a: (S.prelu_backward(d, x, a)[0], (d * x).sum(axis=(0, 2, 3)))),
    ]),
    Component("test_sigmoid_tanh", "sigmoid", REFERENCE, {"sigmoid": 1, "sigmoid_backward": 1, "tanh_backward": 1}, sigmoid_cases, [
        Variant("The derivative is multiplied by the activation instead of its derivative: "
                "tanh'(x) = 1 - tanh(x)^2.", lambda d, x: d * np.tanh(x)),
        Variant("sigmoid_backward uses x instead of s = sigmoid(x): the derivative is s * (1 - s).",
                lambda d, x: d * x * (1 - x)),
    ]),
    Component("test_maxout", "maxout", REFERENCE, {"forward": 1, "backward": 1}, maxout_cases, [
        Variant("The gradient goes to every channel of the group: only the (first) maximum gets it.",
                lambda d, x, k: np.repeat(d, k, axis=1)),
    ]),
    Component("test_softmax", "softmax", REFERENCE, {"forward": 1, "stability": 1, "backward": 1}, softmax_cases, [
        Variant("Softmax overflows for large scores: subtract the maximum before exp (it does not "
                "change the result).", unstable_softmax),
    ]),
]  # fmt: skip
