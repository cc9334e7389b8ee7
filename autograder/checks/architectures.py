"""Checks for assignment 9: LeNet-5 forward, residual block, parameter counts, SGD step."""

import numpy as np

import solutions as S
from autograder.checks import Case, Component, Mistake, Variant, attach_mistakes, randn


def lenet_cases(rng):
    cases = []
    for seed in (int(rng.integers(0, 1000)), int(rng.integers(0, 1000))):
        params = {k: np.array(v) for k, v in S.lenet5().initialize(seed=seed).params().items()}
        cases.append(Case("batch", (randn(rng, 3, 1, 28, 28), params)))
    # the initialisation zeroes every bias: biases drawn at random, so each one's sign counts
    params = dict(params)
    params.update({k: randn(rng, *v.shape) for k, v in params.items() if k.endswith("bias")})
    cases.append(Case("batch", (randn(rng, 2, 1, 28, 28), params)))
    return cases


def residual_cases(rng):
    x = randn(rng, 2, 3, 6, 6)
    return [
        Case("identity", (x, randn(rng, 3, 3, 3, 3) * 0.5, randn(rng, 3, 3, 3, 3) * 0.5)),
        Case(
            "projection",
            (x, randn(rng, 4, 3, 3, 3), randn(rng, 4, 4, 3, 3), randn(rng, 4, 3, 1, 1)),
            {"stride": 2},
        ),
        Case(
            "projection",
            (x, randn(rng, 5, 3, 3, 3), randn(rng, 5, 5, 3, 3), randn(rng, 5, 3, 1, 1)),
            {"stride": 1},
        ),
    ]


def spec_of(model):
    """The notebook's layer tuples for a solutions model."""
    spec = []
    for layer in _leaves(model):
        if isinstance(layer, S.Conv2d):
            spec.append(
                [
                    "conv",
                    layer.in_channels,
                    layer.out_channels,
                    layer.kernel_size[0],
                    bool(layer.bias),
                ]
            )
        elif isinstance(layer, S.Linear):
            spec.append(["linear", layer.in_features, layer.out_features])
        elif isinstance(layer, S.BatchNorm2d):
            spec.append(["bn", layer.num_features])
    return spec


def _leaves(layer):
    kids = layer.children()
    if not kids:
        yield layer
    for _, child in kids:
        yield from _leaves(child)


def layers_of(spec):
    """The notebook's layer tuples as solutions layers: the reference counts those."""
    build = {
        "conv": lambda c_in, c_out, k, bias: S.Conv2d(c_in, c_out, k, bias=bias),
        "linear": lambda n_in, n_out: S.Linear(n_in, n_out),
        "bn": lambda channels: S.BatchNorm2d(channels),
    }
    return S.Sequential(*[build[kind](*args) for kind, *args in spec])


def count_spec(spec):
    return S.count_parameters(layers_of(spec))


def count_cases(rng):
    cases = [
        Case("classic", (spec_of(build()),)) for build in (S.lenet5, S.alexnet, S.vgg16, S.resnet18)
    ]
    for _ in range(4):
        spec = [
            [
                "conv",
                int(rng.integers(1, 40)),
                int(rng.integers(1, 40)),
                int(rng.integers(1, 8)),
                bool(rng.integers(0, 2)),
            ],
            ["bn", int(rng.integers(1, 60))],
            ["linear", int(rng.integers(1, 300)), int(rng.integers(1, 300))],
        ]
        cases.append(Case("random", (spec,)))
    # the count does not depend on the layers' order: a count that assumes one is wrong
    classic = spec_of(S.lenet5())
    cases.append(Case("random", ([classic[i] for i in rng.permutation(len(classic))],)))
    # the layer kinds as strings read at run time (not interned literals): `kind is "conv"`
    # fails here, `kind is not "bn"` on the cases above
    cases.append(Case("random", (spec_of(S.resnet18()),), interned=False))
    return cases


def sgd_reference(params, grads, lr):
    S.SGD(params, lr).step(grads)  # plain SGD updates the arrays in place


def sgd_cases(rng):
    params = {"w": randn(rng, 3, 4), "b": randn(rng, 4)}
    grads = {"w": randn(rng, 3, 4), "b": randn(rng, 4)}
    # the same keys in another order, and same-shaped entries: pairing params and grads by
    # position (zip of .values()) instead of by key gives a different answer
    keys = ["conv.weight", "conv.bias", "fc.weight", "fc.bias"]
    shapes = {"conv.weight": (2, 3), "conv.bias": (3,), "fc.weight": (2, 3), "fc.bias": (3,)}
    order = [keys[i] for i in rng.permutation(len(keys))]
    order = order if order != keys else keys[::-1]  # another order, whatever the draw
    params2 = {k: randn(rng, *shapes[k]) for k in keys}
    grads2 = {k: randn(rng, *shapes[k]) for k in order}
    return [
        Case("in_place", (params, grads, 0.37), output_arg=0),
        Case("in_place", (params2, grads2, float(rng.uniform(0.05, 1.5))), output_arg=0),
        Case("in_place", ({k: params2[k] for k in reversed(keys)}, grads2, 0.1), output_arg=0),
    ]


COMPONENTS = [
    Component(
        "test_lenet5_forward", "lenet5_forward", S.lenet5_forward, {"batch": 4}, lenet_cases, []
    ),
    Component(
        "test_residual_block",
        "residual_block",
        S.residual_block,
        {"identity": 2, "projection": 2},
        residual_cases,
        [],
    ),
    Component(
        "test_count_parameters",
        "count_parameters",
        count_spec,
        {"classic": 2, "random": 1},
        count_cases,
        [
            Variant(
                "Batch norm is counted with its running statistics: only the scale and shift are learned (2 per channel).",
                lambda spec: (
                    count_spec(spec) + sum(2 * layer[1] for layer in spec if layer[0] == "bn")
                ),
            ),
        ],
    ),
    Component("test_sgd_step", "sgd_step", sgd_reference, {"in_place": 2}, sgd_cases, []),
]


# The classic mistakes, written once: each is a Variant of its component above and the
# planted mistake of a sample submission (autograder.samples).
MISTAKES = [
    Mistake(
        cell="lenet5_forward",
        component="test_lenet5_forward",
        function="lenet5_forward",
        summary="squashes the output logits with a sigmoid too",
        diagnosis="The output logits are squashed by a sigmoid: the last layer is linear.",
        code="""
_correct_lenet = lenet5_forward
def lenet5_forward(x, params):
    return sigmoid(_correct_lenet(x, params))
""",
    ),
    Mistake(
        cell="residual_block",
        component="test_residual_block",
        function="residual_block",
        summary="forgets the ReLU after the sum",
        diagnosis="The ReLU after the sum is missing: y = relu(F(x) + shortcut(x)).",
        code="""
def residual_block(x, w1, w2, w_shortcut=None, stride=1):
    main = conv2d(relu(conv2d(x, w1, stride=stride, padding=1)), w2, padding=1)
    return main + (x if w_shortcut is None else conv2d(x, w_shortcut, stride=stride))
""",
    ),
    Mistake(
        cell="count_parameters",
        component="test_count_parameters",
        function="count_parameters",
        summary="counts no biases in linear layers",
        diagnosis="Linear layers' biases are not counted.",
        code="""
_correct_count = count_parameters
def count_parameters(spec):
    return _correct_count(spec) - sum(layer[2] for layer in spec if layer[0] == "linear")
""",
    ),
    Mistake(
        cell="sgd_step",
        component="test_sgd_step",
        function="sgd_step",
        summary="replaces the arrays instead of updating them in place",
        diagnosis="The parameters are replaced by new arrays instead of updated in place (p -= lr * g): the model holding the old arrays never sees the step.",
        code="""
def sgd_step(params, grads, lr):
    for key in params:
        params[key] = params[key] - lr * grads[key]
""",
    ),
]
attach_mistakes(COMPONENTS, MISTAKES)
