"""Checks for assignment 9: LeNet-5 forward, parameter counts, ResNet's table read into
convolutions and multiply-adds, the residual basic and bottleneck blocks (forward and
backward), the SGD step, and a small residual network for the digits."""

import numpy as np

import solutions as S
from autograder.checks import Case, Component, Mistake, add_cases, attach_mistakes, randn


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


def resnet_cases(rng):
    random_blocks = [int(b) for b in rng.integers(1, 5, 4)]
    return [
        Case("basic", ([2, 2, 2, 2], False)),
        Case("basic", (random_blocks, False)),
        Case("bottleneck", ([3, 4, 6, 3], True)),
        Case("bottleneck", ([3, 4, 23, 3], True)),
        Case("bottleneck", (random_blocks, True)),
    ]


def rows(value):
    """A list of convolution rows as an (n, 5) int array, or None if it is not one."""
    try:
        array = np.asarray([[int(v) for v in row] for row in value])
    except (TypeError, ValueError):
        return None
    return array if array.ndim == 2 and array.shape[1] == 5 else None


COLUMNS = ("c_in", "c_out", "kernel", "stride", "output size")


def compare_convs(student, expected, case):
    """Row by row, exactly: the first wrong row and column say where the table was misread."""
    got, want = rows(student), rows(expected)
    if got is None:
        return "expected a list of (c_in, c_out, kernel, stride, output size) rows of integers"
    for i, (g, w) in enumerate(zip(got, want, strict=False)):
        if not np.array_equal(g, w):
            column = COLUMNS[int(np.argmax(g != w))]
            return (
                f"row {i}: expected {tuple(int(v) for v in w)}, got {tuple(int(v) for v in g)} "
                f"(the {column} differs)"
            )
    if len(got) != len(want):
        return f"expected {len(want)} convolutions, got {len(got)}"
    return None


def multiply_adds_cases(rng):
    cases = [
        Case("classic", (S.resnet_convs([2, 2, 2, 2], False),)),
        Case("classic", (S.resnet_convs([3, 4, 6, 3], True),)),
    ]
    for _ in range(3):
        convs = []
        for _ in range(int(rng.integers(1, 6))):
            stride = int(rng.integers(1, 3))
            convs.append(
                (
                    int(rng.integers(1, 300)),
                    int(rng.integers(1, 300)),
                    int(rng.choice([1, 3, 5, 7])),
                    stride,
                    int(rng.integers(1, 60)),
                )
            )
        convs.append((int(rng.integers(1, 30)), int(rng.integers(1, 30)), 3, 2, 7))  # a stride 2
        cases.append(Case("random", (convs,)))
    return cases


def compare_exact(student, expected, case):
    """Counts are integers: exactly right or wrong."""
    value = np.asarray(student) if student is not None else None
    if value is None or value.shape != () or value.dtype.kind not in "iuf":
        return "expected one number (an int)"
    if float(value) != int(expected):
        return f"expected {int(expected):,}, got {float(value):,.0f}"
    return None


def residual_backward_cases(rng):
    cases = []
    for category, c_in, c_out, stride in (
        ("identity", 3, 3, 1),
        ("identity", 4, 4, 1),
        ("projection", 3, 4, 2),
        ("projection", 3, 5, 1),
    ):
        x = randn(rng, 2, c_in, 6, 5)
        w1, w2 = randn(rng, c_out, c_in, 3, 3) * 0.5, randn(rng, c_out, c_out, 3, 3) * 0.5
        ws = None if category == "identity" else randn(rng, c_out, c_in, 1, 1)
        dout = randn(rng, *S.residual_block(x, w1, w2, ws, stride).shape)
        args = (dout, x, w1, w2) if ws is None else (dout, x, w1, w2, ws)
        cases.append(Case(category, args, {"stride": stride}))
    return cases


def bottleneck_params(rng, c_in, width, c_out, projection):
    shapes = {
        "conv1.weight": (width, c_in, 1, 1),
        "conv1.bias": (width,),
        "conv2.weight": (width, width, 3, 3),
        "conv2.bias": (width,),
        "conv3.weight": (c_out, width, 1, 1),
        "conv3.bias": (c_out,),
    }
    if projection:
        shapes.update({"shortcut.weight": (c_out, c_in, 1, 1), "shortcut.bias": (c_out,)})
    # biases of the order of the weights' outputs, so that a missing one shows
    return {k: randn(rng, *shape) for k, shape in shapes.items()}


BOTTLENECK_SHAPES = (
    ("identity", 8, 2, 8, 1),
    ("projection", 4, 2, 8, 1),
    ("stride", 4, 3, 12, 2),
    ("stride", 6, 2, 8, 2),
)


def bottleneck_cases(rng):
    cases = []
    for category, c_in, width, c_out, stride in BOTTLENECK_SHAPES:
        params = bottleneck_params(rng, c_in, width, c_out, category != "identity")
        cases.append(Case(category, (randn(rng, 2, c_in, 7, 6), params), {"stride": stride}))
    return cases


def bottleneck_backward_cases(rng):
    cases = []
    for category, c_in, width, c_out, stride in BOTTLENECK_SHAPES:
        params = bottleneck_params(rng, c_in, width, c_out, category != "identity")
        x = randn(rng, 2, c_in, 7, 6)
        dout = randn(rng, *S.bottleneck_block(x, params, stride).shape)
        category = "identity" if category == "identity" else "projection"
        cases.append(Case(category, (dout, x, params), {"stride": stride}))
    return cases


def digits_net_cases(rng):
    cases = []
    for channels, batch in ((4, 5), (8, 3)):
        shapes = {
            "stem.weight": (channels, 1, 3, 3),
            "stem.bias": (channels,),
            "block.w1": (channels, channels, 3, 3),
            "block.w2": (channels, channels, 3, 3),
            "fc.weight": (10, channels * 64),
            "fc.bias": (10,),
        }
        params = {k: randn(rng, *shape) * 0.5 for k, shape in shapes.items()}
        x = rng.uniform(0, 1, (batch, 1, 8, 8))  # like the digits: intensities in [0, 1]
        cases.append(Case("loss_and_grads", (params, x, rng.integers(0, 10, batch))))
    return cases


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
        [],
    ),
    Component(
        "test_resnet_convs",
        "resnet_convs",
        S.resnet_convs,
        {"basic": 1, "bottleneck": 2},
        resnet_cases,
        [],
        compare=compare_convs,
    ),
    Component(
        "test_conv_multiply_adds",
        "conv_multiply_adds",
        S.conv_multiply_adds,
        {"classic": 1, "random": 1},
        multiply_adds_cases,
        [],
        compare=compare_exact,
    ),
    Component(
        "test_residual_block_backward",
        "residual_block_backward",
        S.residual_block_backward,
        {"identity": 2, "projection": 2},
        residual_backward_cases,
        [],
    ),
    Component(
        "test_bottleneck_block",
        "bottleneck_block",
        S.bottleneck_block,
        {"identity": 1, "projection": 1, "stride": 2},
        bottleneck_cases,
        [],
    ),
    Component(
        "test_bottleneck_block_backward",
        "bottleneck_block_backward",
        S.bottleneck_block_backward,
        {"identity": 2, "projection": 2},
        bottleneck_backward_cases,
        [],
    ),
    Component("test_sgd_step", "sgd_step", sgd_reference, {"in_place": 2}, sgd_cases, []),
    Component(
        "test_digits_net",
        "digits_net_loss_and_grads",
        S.digits_net_loss_and_grads,
        {"loss_and_grads": 4},
        digits_net_cases,
        [],
    ),
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
        cell="count_parameters",
        component="test_count_parameters",
        function="count_parameters",
        summary="counts batch norm's running statistics as parameters",
        diagnosis="Batch norm is counted with its running statistics: only the scale and shift are learned (2 per channel); the running mean and variance are buffers, updated by averaging, not by gradients.",
        code="""
_correct_count = count_parameters
def count_parameters(spec):
    return _correct_count(spec) + sum(2 * layer[1] for layer in spec if layer[0] == "bn")
""",
    ),
    Mistake(
        cell="resnet_convs",
        component="test_resnet_convs",
        function="resnet_convs",
        summary="puts the bottleneck's stride on its first 1x1 convolution",
        diagnosis="The stride of a bottleneck is on its first 1x1 convolution (the paper's original ResNet): torchvision's ResNet-50, whose counts you reproduce, puts it on the 3x3 convolution, so that the 1x1 does not skip three pixels in four.",
        code="""
_correct_convs = resnet_convs
def resnet_convs(blocks, bottleneck):
    convs = [list(row) for row in _correct_convs(blocks, bottleneck)]
    if bottleneck:
        for first, middle in zip(convs, convs[1:]):
            if first[2] == 1 and middle[2] == 3 and middle[3] == 2:
                first[3], first[4] = 2, middle[4]
                middle[3] = 1
    return [tuple(row) for row in convs]
""",
    ),
    Mistake(
        cell="resnet_convs",
        component="test_resnet_convs",
        function="resnet_convs",
        summary="adds a projection only where the stride is 2",
        diagnosis="A projection shortcut is needed whenever the shape changes: a stride of 2 or a change in the number of maps (ResNet-50's first stage goes from 64 to 256 maps at stride 1).",
        code="""
def resnet_convs(blocks, bottleneck):
    convs = [(3, 64, 7, 2, 112)]
    channels, size = 64, 56
    for stage, (width, count) in enumerate(zip((64, 128, 256, 512), blocks)):
        for block in range(count):
            stride = 2 if stage > 0 and block == 0 else 1
            out = (size - 1) // stride + 1
            c_out = 4 * width if bottleneck else width
            if bottleneck:
                convs += [(channels, width, 1, 1, size), (width, width, 3, stride, out),
                          (width, c_out, 1, 1, out)]
            else:
                convs += [(channels, width, 3, stride, out), (width, width, 3, 1, out)]
            if stride != 1:
                convs.append((channels, c_out, 1, stride, out))
            channels, size = c_out, out
    return convs
""",
    ),
    Mistake(
        cell="conv_multiply_adds",
        component="test_conv_multiply_adds",
        function="conv_multiply_adds",
        summary="counts the input's positions instead of the output's",
        diagnosis="A convolution does one multiply-add per weight per output position: count the output size (after the stride), not the input size.",
        code="""
def conv_multiply_adds(convs):
    return sum(c_out * c_in * k * k * (size * stride) ** 2 for c_in, c_out, k, stride, size in convs)
""",
    ),
    Mistake(
        cell="residual_block_backward",
        component="test_residual_block_backward",
        function="residual_block_backward",
        summary="forgets the shortcut's share of dx",
        diagnosis="dx is missing the shortcut's share: the sum sends the gradient into both branches, and dx adds what comes back along the main path and along the shortcut.",
        code="""
def residual_block_backward(dout, x, w1, w2, w_shortcut=None, stride=1):
    z1 = conv2d(x, w1, stride=stride, padding=1)
    main = conv2d(relu(z1), w2, padding=1)
    short = x if w_shortcut is None else conv2d(x, w_shortcut, stride=stride)
    d = relu_backward(dout, main + short)
    dr1, dw2, _ = conv2d_backward(d, relu(z1), w2, padding=1)
    dx, dw1, _ = conv2d_backward(relu_backward(dr1, z1), x, w1, stride=stride, padding=1)
    dws = None if w_shortcut is None else conv2d_backward(d, x, w_shortcut, stride=stride)[1]
    return dx, dw1, dw2, dws
""",
    ),
    Mistake(
        cell="bottleneck_block",
        component="test_bottleneck_block",
        function="bottleneck_block",
        summary="forgets the bias of the projection shortcut",
        diagnosis="The projection shortcut's bias is missing: the shortcut is conv(x, shortcut.weight, shortcut.bias) with the stride (the bias stands for its batch norm's shift).",
        code="""
_correct_bottleneck = bottleneck_block
def bottleneck_block(x, params, stride=1):
    if "shortcut.bias" in params:
        params = {**params, "shortcut.bias": 0 * params["shortcut.bias"]}
    return _correct_bottleneck(x, params, stride)
""",
    ),
    Mistake(
        cell="bottleneck_block",
        component="test_bottleneck_block",
        function="bottleneck_block",
        summary="places the ReLU before the sum",
        diagnosis="The last ReLU is placed before the sum, on the main path alone: the block outputs relu(F(x) + shortcut(x)), so that negative corrections can cancel the shortcut.",
        code="""
def bottleneck_block(x, params, stride=1):
    p = params
    h = relu(conv2d(x, p["conv1.weight"], p["conv1.bias"]))
    h = relu(conv2d(h, p["conv2.weight"], p["conv2.bias"], stride=stride, padding=1))
    h = relu(conv2d(h, p["conv3.weight"], p["conv3.bias"]))
    if "shortcut.weight" in p:
        return h + conv2d(x, p["shortcut.weight"], p["shortcut.bias"], stride=stride)
    return h + x
""",
    ),
    Mistake(
        cell="bottleneck_block",
        component="test_bottleneck_block",
        function="bottleneck_block",
        summary="puts the stride on the first 1x1 convolution",
        diagnosis="The stride is on the first 1x1 convolution: in this block (torchvision's ResNet-50, v1.5) it is on the 3x3 convolution, which sees every pixel before downsampling.",
        code="""
def bottleneck_block(x, params, stride=1):
    p = params
    h = relu(conv2d(x, p["conv1.weight"], p["conv1.bias"], stride=stride))
    h = relu(conv2d(h, p["conv2.weight"], p["conv2.bias"], padding=1))
    h = conv2d(h, p["conv3.weight"], p["conv3.bias"])
    if "shortcut.weight" in p:
        return relu(h + conv2d(x, p["shortcut.weight"], p["shortcut.bias"], stride=stride))
    return relu(h + x)
""",
    ),
    Mistake(
        cell="bottleneck_block_backward",
        component="test_bottleneck_block_backward",
        function="bottleneck_block_backward",
        summary="applies the output ReLU's derivative to the main path only",
        diagnosis="The output ReLU's derivative reaches the main path only: apply it to dout once, before the sum hands the same gradient to both branches.",
        code="""
_correct_bottleneck_backward = bottleneck_block_backward
def bottleneck_block_backward(dout, x, params, stride=1):
    p = params
    z3 = conv2d(relu(conv2d(relu(conv2d(x, p["conv1.weight"], p["conv1.bias"])),
                            p["conv2.weight"], p["conv2.bias"], stride=stride, padding=1)),
                p["conv3.weight"], p["conv3.bias"])
    projection = "shortcut.weight" in p
    short = conv2d(x, p["shortcut.weight"], p["shortcut.bias"], stride=stride) if projection else x
    d = relu_backward(dout, z3 + short)
    # the main path's share through the correct backward; the shortcut's without the mask
    dx, grads = _correct_bottleneck_backward(dout, x, p, stride)
    if projection:
        dx_right, dws, dbs = conv2d_backward(d, x, p["shortcut.weight"], stride=stride)
        dx_wrong, grads["shortcut.weight"], grads["shortcut.bias"] = conv2d_backward(
            dout, x, p["shortcut.weight"], stride=stride
        )
        return dx - dx_right + dx_wrong, grads
    return dx - d + dout, grads
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
    Mistake(
        cell="digits_net_loss_and_grads",
        component="test_digits_net",
        function="digits_net_loss_and_grads",
        summary="skips the stem ReLU's derivative",
        diagnosis="The stem's ReLU is skipped on the way back: multiply the block's dx by the ReLU's derivative at the stem's pre-activation (relu_backward) before the stem's conv2d_backward.",
        code="""
def digits_net_loss_and_grads(params, x, y):
    a = conv2d(x, params["stem.weight"], params["stem.bias"], padding=1)
    h = relu(a)
    out = residual_block(h, params["block.w1"], params["block.w2"])
    features = out.reshape(len(out), -1)
    loss, dlogits = softmax_cross_entropy(linear(features, params["fc.weight"], params["fc.bias"]), y)
    grads = {}
    dfeatures, grads["fc.weight"], grads["fc.bias"] = linear_backward(dlogits, features, params["fc.weight"])
    dh, grads["block.w1"], grads["block.w2"], _ = residual_block_backward(
        dfeatures.reshape(out.shape), h, params["block.w1"], params["block.w2"]
    )
    _, grads["stem.weight"], grads["stem.bias"] = conv2d_backward(dh, x, params["stem.weight"], padding=1)
    return loss, {k: grads[k] for k in params}
""",
    ),
]
attach_mistakes(COMPONENTS, MISTAKES)


# Misconceptions met in the corpus of student submissions (tests/corpus/architectures/): the
# grader recognises them (as Variants); they are not planted in the samples.
RECOGNISED = [
    Mistake(
        cell="lenet5_forward",
        component="test_lenet5_forward",
        function="lenet5_forward",
        summary="uses ReLU instead of the sigmoid",
        diagnosis="d2l's LeNet-5 uses the sigmoid after every convolution and hidden linear layer, not ReLU.",
        code="""
def lenet5_forward(x, params):
    act = lambda z: np.maximum(z, 0)
    h = avg_pool2d(act(conv2d(x, params["0.weight"], params["0.bias"], padding=2)), 2)
    h = avg_pool2d(act(conv2d(h, params["3.weight"], params["3.bias"])), 2)
    h = h.reshape(h.shape[0], -1)
    h = act(h @ params["7.weight"].T + params["7.bias"])
    h = act(h @ params["9.weight"].T + params["9.bias"])
    return h @ params["11.weight"].T + params["11.bias"]
""",
    ),
    Mistake(
        cell="lenet5_forward",
        component="test_lenet5_forward",
        function="lenet5_forward",
        summary="pools with the maximum",
        diagnosis="LeNet-5 uses average pooling (2 x 2, stride 2), not max pooling.",
        code="""
def lenet5_forward(x, params):
    sig = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    h = max_pool2d(sig(conv2d(x, params["0.weight"], params["0.bias"], padding=2)), 2)
    h = max_pool2d(sig(conv2d(h, params["3.weight"], params["3.bias"])), 2)
    h = h.reshape(h.shape[0], -1)
    h = sig(h @ params["7.weight"].T + params["7.bias"])
    h = sig(h @ params["9.weight"].T + params["9.bias"])
    return h @ params["11.weight"].T + params["11.bias"]
""",
    ),
    Mistake(
        cell="residual_block",
        component="test_residual_block",
        function="residual_block",
        summary="strides in the second convolution",
        diagnosis="The stride belongs to the first 3 x 3 convolution (and the shortcut), not the second.",
        code="""
def residual_block(x, w1, w2, w_shortcut=None, stride=1):
    main = conv2d(np.maximum(conv2d(x, w1, padding=1), 0), w2, stride=stride, padding=1)
    short = x if w_shortcut is None else conv2d(x, w_shortcut, stride=stride)
    return np.maximum(main + short, 0)
""",
    ),
    Mistake(
        cell="count_parameters",
        component="test_count_parameters",
        function="count_parameters",
        summary="counts a bias for every convolution",
        diagnosis="A convolution built with bias=False has no bias: count c_out biases only when the layer's flag is True.",
        code="""
_correct_count = count_parameters
def count_parameters(spec):
    return _correct_count(spec) + sum(layer[2] for layer in spec if layer[0] == "conv" and not layer[4])
""",
    ),
    Mistake(
        cell="sgd_step",
        component="test_sgd_step",
        function="sgd_step",
        summary="steps along the gradient",
        diagnosis="The step goes up the gradient (p += lr * g): SGD moves against the gradient, p -= lr * g.",
        code="""
def sgd_step(params, grads, lr):
    for key, p in params.items():
        p += lr * grads[key]
""",
    ),
]
attach_mistakes(COMPONENTS, RECOGNISED)


# --- every parameter over its valid range (issue 18, 1c and 1g) -----------------------------
# Drawn after the cases above, so that a seed still draws those the same way.


def residual_range_cases(rng):
    x = randn(rng, 1, 2, 7, 5)
    return [
        # an odd size with stride 2: the padded main path and the shortcut still agree
        Case(
            "projection",
            (x, randn(rng, 3, 2, 3, 3), randn(rng, 3, 3, 3, 3), randn(rng, 3, 2, 1, 1)),
            {"stride": 2},
        ),
        Case("identity", (x, randn(rng, 2, 2, 3, 3), randn(rng, 2, 2, 3, 3)), {"stride": 1}),
    ]


def count_range_cases(rng):
    return [
        Case("random", ([["conv", 3, 8, 3, False], ["bn", 8], ["conv", 8, 8, 1, True]],)),
        Case("random", ([["linear", int(rng.integers(1, 50)), 1]],)),  # one output unit
        Case("random", ([["bn", int(rng.integers(1, 9))]] * 2,)),
        Case("random", ([],)),  # no layer, no parameter
    ]


def sgd_range_cases(rng):
    params = {"w": randn(rng, 2, 2, 3), "b": randn(rng, 3)}
    grads = {"b": randn(rng, 3), "w": randn(rng, 2, 2, 3)}
    return [
        Case("in_place", (params, grads, 0.0), output_arg=0),  # lr = 0: nothing moves
        Case("in_place", (params, grads, float(rng.uniform(2.0, 5.0))), output_arg=0),
    ]


add_cases(
    COMPONENTS,
    {
        "test_residual_block": residual_range_cases,
        "test_count_parameters": count_range_cases,
        "test_sgd_step": sgd_range_cases,
    },
)
