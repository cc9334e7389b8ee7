"""Checks for assignment 5: activation functions and their derivatives."""

import math

import numpy as np

import solutions as S
from autograder.checks import Case, Component, Mistake, Variant, add_cases, attach_mistakes, randn


def with_zeros(rng, *shape):
    x = randn(rng, *shape) * 3
    x.reshape(-1)[::7] = 0.0  # the kinks are where conventions matter
    # and values on both sides of the kink closer than 1: a threshold at 1 instead of 0 (or a
    # kink moved by any amount below 1) cannot pass by the luck of the draw
    near = rng.uniform(0.05, 0.95, x.reshape(-1)[3::7].size)
    near[1::2] *= -1
    x.reshape(-1)[3::7] = near
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
        # float32 in, float32 out: the dtype is part of the contract
        Case("relu", (x.astype(np.float32),), function="relu"),
        Case("relu", (d.astype(np.float32), x.astype(np.float32)), function="relu_backward"),
    ]


def prelu_cases(rng):
    x, d, a = with_zeros(rng, 3, 4, 2, 3), randn(rng, 3, 4, 2, 3), rng.uniform(0.05, 0.5, 4)
    return [
        Case("forward", (x, a), function="prelu"),
        Case("backward", (d, x, a), function="prelu_backward"),
    ] + [
        # any number of axes after the channel one, none included (N != C)
        Case(category, args, function=function)
        for shape in ((5, 4), (3, 4, 5), (2, 4, 2, 3, 2))
        for category, function, args in (
            ("forward", "prelu", (with_zeros(rng, *shape), a)),
            ("backward", "prelu_backward", (randn(rng, *shape), with_zeros(rng, *shape), a)),
        )
    ]


SIGMOID_HINT = (
    "for inputs of magnitude 1000 — exp(1000) overflows: compute with e = exp(-|x|), "
    "1 / (1 + e) for x >= 0 and e / (1 + e) below"
)


def sigmoid_cases(rng):
    x, d = randn(rng, 5, 6) * 5, randn(rng, 5, 6)
    x[0, :3] = [-800.0, 800.0, 0.0]
    x[1, :2] = [-1000.0, 1000.0]  # both tails: e^1000 overflows whichever way it is written
    return [
        Case("sigmoid", (x,), function="sigmoid", hint=SIGMOID_HINT),
        Case("sigmoid_backward", (d, x), function="sigmoid_backward", hint=SIGMOID_HINT),
        Case("tanh_backward", (d, x), function="tanh_backward"),
        Case("sigmoid", (x[1:].astype(np.float32),), function="sigmoid", hint=SIGMOID_HINT),
    ]


def maxout_cases(rng):
    x = randn(rng, 2, 6, 3, 3)
    x[:, 0] = x[:, 1]  # ties: the first wins
    return [
        Case("forward", (x, 2), function="maxout"),
        Case("backward", (randn(rng, 2, 3, 3, 3), x, 2), function="maxout_backward"),
    ]


SOFTMAX_HINT = (
    "for scores of magnitude 1000 — subtract each row's maximum (np.max(x, axis, keepdims=True)) "
    "before exp, not one maximum of the whole array"
)


def mixed_scale(rng, rows: int, cols: int) -> np.ndarray:
    """Rows of very different scale (about 1000, about 1, about -1000), in a random order:
    exp overflows unless each row's own maximum is subtracted, and one maximum of the whole
    array makes the small rows' exponentials all underflow to 0 (0 / 0 = NaN)."""
    x = randn(rng, rows, cols)
    scales = np.resize([1000.0, 0.0, -1000.0], rows)
    x += rng.permutation(scales)[:, None]
    return x


def softmax_cases(rng):
    x, d = randn(rng, 4, 6) * 3, randn(rng, 4, 6)
    big = randn(rng, 3, 5) * 400
    big[:, int(rng.integers(0, 5))] = 1000.0  # exp(1000) overflows: only a stable softmax survives
    mixed = mixed_scale(rng, 4, 5)
    return [
        Case("forward", (x,), function="softmax"),
        Case("forward", (x, 0), function="softmax"),
        Case("stability", (big,), function="softmax", hint=SOFTMAX_HINT),
        Case("stability", (mixed,), function="softmax", hint=SOFTMAX_HINT),
        Case(
            "stability", (np.ascontiguousarray(mixed.T), 0), function="softmax", hint=SOFTMAX_HINT
        ),
        Case("stability", (d[:4, :5], mixed), function="softmax_backward", hint=SOFTMAX_HINT),
        Case("backward", (d, x), function="softmax_backward"),
        Case("backward", (d, x, 0), function="softmax_backward"),
        Case("forward", (x.astype(np.float32),), function="softmax"),  # float32 stays float32
    ]


def normal_cdf(x):
    """Phi(x) = (1 + erf(x / sqrt 2)) / 2, elementwise."""
    return 0.5 * (1 + np.vectorize(math.erf, otypes=[float])(np.asarray(x) / math.sqrt(2)))


def gelu_silu_cases(rng):
    x = randn(rng, 3, 7) * 2
    x[0, :3] = [-9.0, 0.0, 9.0]  # both tails and the kink-free middle
    d = randn(rng, 3, 7)
    return [
        Case("gelu", (x,), function="gelu"),
        Case("gelu_backward", (d, x), function="gelu_backward"),
        Case("silu", (x,), function="silu"),
        Case("silu_backward", (d, x), function="silu_backward"),
    ]


REFERENCE = {
    name: getattr(S, name)
    for name in (
        "relu",
        "relu_backward",
        "leaky_relu",
        "leaky_relu_backward",
        "elu",
        "elu_backward",
        "prelu",
        "sigmoid",
        "sigmoid_backward",
        "tanh_backward",
        "maxout",
        "maxout_backward",
        "softmax",
        "softmax_backward",
        "gelu",
        "gelu_backward",
        "silu",
        "silu_backward",
    )
}
REFERENCE["prelu_backward"] = lambda d, x, a: S.prelu_backward(d, x, a)


COMPONENTS = [
    Component(
        "test_relu_family",
        "relu",
        REFERENCE,
        {"relu": 2, "leaky_relu": 1, "elu": 1},
        relu_cases,
        [],
    ),
    Component("test_prelu", "prelu", REFERENCE, {"forward": 1, "backward": 2}, prelu_cases, []),
    Component(
        "test_sigmoid_tanh",
        "sigmoid",
        REFERENCE,
        {"sigmoid": 1, "sigmoid_backward": 1, "tanh_backward": 1},
        sigmoid_cases,
        [
            Variant(
                "sigmoid_backward uses x instead of s = sigmoid(x): the derivative is s * (1 - s).",
                lambda d, x: d * x * (1 - x),
            ),
        ],
    ),
    Component("test_maxout", "maxout", REFERENCE, {"forward": 1, "backward": 1}, maxout_cases, []),
    Component(
        "test_softmax",
        "softmax",
        REFERENCE,
        {"forward": 1, "stability": 1, "backward": 1},
        softmax_cases,
        [],
    ),
    Component(
        "test_gelu_silu",
        "gelu",
        REFERENCE,
        {"gelu": 1, "gelu_backward": 1, "silu": 0.5, "silu_backward": 0.5},
        gelu_silu_cases,
        [
            Variant(
                "GELU's derivative misses the x * phi(x) term of the product rule: "
                "(x Phi(x))' = Phi(x) + x phi(x).",
                lambda d, x: d * normal_cdf(x),
            ),
            Variant(
                "SiLU's derivative keeps only x * sigmoid'(x): the product rule adds sigmoid(x), "
                "(x s(x))' = s + x s (1 - s).",
                lambda d, x: d * x * S.sigmoid(x) * (1 - S.sigmoid(x)),
            ),
        ],
    ),
]


# The classic mistakes, written once: each is a Variant of its component above and the
# planted mistake of a sample submission (autograder.samples).
MISTAKES = [
    Mistake(
        cell="relu_family",
        component="test_relu_family",
        function="relu_backward",
        summary="gives ReLU a gradient of 1 at x = 0",
        diagnosis="relu_backward lets the gradient through at x = 0: use x > 0, not x >= 0.",
        code="""
def relu_backward(dout, x):
    return dout * (x >= 0)
""",
    ),
    Mistake(
        cell="prelu",
        component="test_prelu",
        function="prelu_backward",
        summary="sums dout * x over every cell for dalpha, not only where x <= 0",
        diagnosis="dalpha sums dout * x over every cell: only the cells where x <= 0 use alpha.",
        code="""
_correct_prelu_backward = prelu_backward
def prelu_backward(dout, x, alpha):
    dx, _ = _correct_prelu_backward(dout, x, alpha)
    return dx, (dout * x).sum(axis=(0,) + tuple(range(2, np.ndim(x))))
""",
    ),
    Mistake(
        cell="sigmoid_tanh",
        component="test_sigmoid_tanh",
        function="tanh_backward",
        summary="multiplies by the activation instead of its derivative",
        diagnosis="The derivative is multiplied by the activation instead of its derivative: tanh'(x) = 1 - tanh(x)^2.",
        code="""
def tanh_backward(dout, x):
    return dout * np.tanh(x)
""",
    ),
    Mistake(
        cell="maxout",
        component="test_maxout",
        function="maxout_backward",
        summary="sends the gradient to every channel of the group",
        diagnosis="The gradient goes to every channel of the group: only the (first) maximum gets it.",
        code="""
def maxout_backward(dout, x, k):
    return np.repeat(np.asarray(dout), k, axis=1)
""",
    ),
    Mistake(
        cell="softmax",
        component="test_softmax",
        function="softmax",
        summary="does not subtract the maximum, so large scores overflow",
        diagnosis="Softmax overflows for large scores: subtract the maximum before exp (it does not change the result).",
        code="""
def softmax(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)
""",
    ),
]
MISTAKES += [
    Mistake(
        cell="gelu_silu",
        component="test_gelu_silu",
        function="gelu",
        summary="uses the tanh approximation where the exact GELU is asked",
        diagnosis="This is the tanh approximation of GELU (off by up to about 1e-3): the exact "
        "GELU is x * Phi(x) with Phi(x) = (1 + erf(x / sqrt 2)) / 2.",
        code="""
def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
""",
    ),
    Mistake(
        cell="gelu_silu",
        component="test_gelu_silu",
        function="silu_backward",
        summary="drops the x * sigmoid'(x) term of SiLU's product rule",
        diagnosis="SiLU's derivative misses a term of the product rule: (x s(x))' = s + x s (1 - s), "
        "not s alone.",
        code="""
def silu_backward(dout, x):
    return dout * sigmoid(x)
""",
    ),
]
attach_mistakes(COMPONENTS, MISTAKES)


# Misconceptions met in the corpus of student submissions (tests/corpus/activations/): the
# grader recognises them (as Variants); they are not planted in the samples.
RECOGNISED = [
    Mistake(
        cell="relu_family",
        component="test_relu_family",
        function="relu_backward",
        summary="multiplies dout by relu(x)",
        diagnosis="relu_backward multiplies by the activation instead of its derivative: relu'(x) is 1 where x > 0 and 0 elsewhere.",
        code="""
def relu_backward(dout, x):
    return dout * relu(x)
""",
    ),
    Mistake(
        cell="relu_family",
        component="test_relu_family",
        function="elu_backward",
        summary="takes elu(x) for ELU's derivative below 0",
        diagnosis="ELU's derivative below 0 is alpha * exp(x) (= elu(x) + alpha), not elu(x).",
        code="""
def elu_backward(dout, x, alpha=1.0):
    return np.where(x > 0, dout, dout * elu(x, alpha))
""",
    ),
    Mistake(
        cell="prelu",
        component="test_prelu",
        function="prelu_backward",
        summary="averages dalpha over the batch",
        diagnosis="dalpha is averaged over the batch: every example used the same alpha, so their gradients add up.",
        code="""
_correct_prelu_backward = prelu_backward
def prelu_backward(dout, x, alpha):
    dx, dalpha = _correct_prelu_backward(dout, x, alpha)
    return dx, dalpha / np.shape(x)[0]
""",
    ),
    Mistake(
        cell="sigmoid_tanh",
        component="test_sigmoid_tanh",
        function="tanh_backward",
        summary="squares 1 - tanh(x)",
        diagnosis="tanh's derivative is 1 - tanh(x)^2, not (1 - tanh(x))^2.",
        code="""
def tanh_backward(dout, x):
    return dout * (1 - np.tanh(x)) ** 2
""",
    ),
    Mistake(
        cell="maxout",
        component="test_maxout",
        function="maxout",
        summary="groups channels k apart",
        diagnosis="A maxout group is k consecutive channels (reshape to (N, C // k, k, ...)), not channels C // k apart.",
        code="""
def maxout(x, k):
    x = np.asarray(x)
    return x.reshape(x.shape[0], k, x.shape[1] // k, *x.shape[2:]).max(axis=1)
""",
    ),
    Mistake(
        cell="maxout",
        component="test_maxout",
        function="maxout_backward",
        summary="groups channels k apart in the backward pass",
        diagnosis="A maxout group is k consecutive channels (reshape to (N, C // k, k, ...)), not channels C // k apart.",
        code="""
_correct_maxout_backward = maxout_backward
def maxout_backward(dout, x, k):
    x = np.asarray(x)
    c = x.shape[1]
    order = [j * (c // k) + g for g in range(c // k) for j in range(k)]
    return _correct_maxout_backward(dout, x[:, order], k)[:, np.argsort(order)]
""",
    ),
    Mistake(
        cell="maxout",
        component="test_maxout",
        function="maxout_backward",
        summary="routes the gradient to every tied channel",
        diagnosis="Channels tied for the maximum all get the gradient (the mask x == max): only the first maximal channel gets it.",
        code="""
def maxout_backward(dout, x, k):
    x = np.asarray(x)
    grouped = x.reshape(x.shape[0], x.shape[1] // k, k, *x.shape[2:])
    mask = grouped == grouped.max(axis=2, keepdims=True)
    return (mask * np.asarray(dout)[:, :, None]).reshape(x.shape)
""",
    ),
    Mistake(
        cell="softmax",
        component="test_softmax",
        function="softmax_backward",
        summary="uses the diagonal of the Jacobian only",
        diagnosis="Only the diagonal of the Jacobian is used (dout * s * (1 - s)): every output depends on every input, dx = s * (dout - sum(dout * s)).",
        code="""
def softmax_backward(dout, x, axis=-1):
    s = softmax(x, axis)
    return dout * s * (1 - s)
""",
    ),
]
attach_mistakes(COMPONENTS, RECOGNISED)


# --- every parameter over its valid range (issue 18, 1c and 1g) -----------------------------
# Drawn after the cases above, so that a seed still draws those the same way.


def relu_range_cases(rng):
    x, d = with_zeros(rng, 3, 4), randn(rng, 3, 4)
    alpha = float(rng.uniform(0.05, 0.9))
    return [
        # the defaults (alpha = 0.01 and 1.0) and the ends of alpha's range (0: ReLU, 1: identity)
        Case("leaky_relu", (x,), function="leaky_relu"),
        Case("leaky_relu", (d, x), function="leaky_relu_backward"),
        Case("leaky_relu", (x, 0.0), function="leaky_relu"),
        Case("leaky_relu", (d, x, 1.0), function="leaky_relu_backward"),
        Case("leaky_relu", (d, x, alpha), function="leaky_relu_backward"),
        Case("elu", (x,), function="elu"),
        Case("elu", (d, x), function="elu_backward"),
        Case("elu", (d, x, float(rng.uniform(1.5, 3.0))), function="elu_backward"),
        Case("relu", (randn(rng, 2, 3, 4),), function="relu"),
    ]


def prelu_range_cases(rng):
    a2, a3 = rng.uniform(0.05, 0.5, 3), rng.uniform(0.05, 0.5, 5)
    x2, x3 = with_zeros(rng, 4, 3), with_zeros(rng, 2, 5, 7)
    return [
        # (N, C) and (N, C, L): alpha follows axis 1 whatever the rank
        Case("forward", (x2, a2), function="prelu"),
        Case("forward", (x3, a3), function="prelu"),
        Case("backward", (randn(rng, 4, 3), x2, a2), function="prelu_backward"),
        Case("backward", (randn(rng, 2, 5, 7), x3, a3), function="prelu_backward"),
    ]


def maxout_range_cases(rng):
    x = randn(rng, 2, 6, 2, 3)
    return [
        Case("forward", (x, 3), function="maxout"),
        Case("forward", (x, 6), function="maxout"),  # one group: the max over every channel
        Case("forward", (x, 1), function="maxout"),  # the lower end: the identity
        Case("backward", (randn(rng, 2, 2, 2, 3), x, 3), function="maxout_backward"),
        Case("backward", (randn(rng, 2, 3, 4), randn(rng, 2, 6, 4), 2), function="maxout_backward"),
    ]


def softmax_range_cases(rng):
    x, d = randn(rng, 3, 4, 5) * 3, randn(rng, 3, 4, 5)
    return [
        Case("forward", (x, 1), function="softmax"),  # the middle axis of three
        Case("forward", (x, -2), function="softmax"),
        Case("backward", (d, x, 1), function="softmax_backward"),
        Case("backward", (d, x), function="softmax_backward"),
    ]


add_cases(
    COMPONENTS,
    {
        "test_relu_family": relu_range_cases,
        "test_prelu": prelu_range_cases,
        "test_maxout": maxout_range_cases,
        "test_softmax": softmax_range_cases,
    },
)
