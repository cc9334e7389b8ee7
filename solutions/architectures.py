"""Chapter 9, classic and modern architectures: the networks, from LeNet-5 to MobileNet v2.

Every constructor returns a ``Sequential`` of the layers in ``solutions.layers`` (the layer
contract lives there); parameters are counted from the shapes, nothing is allocated until the
weights are used. The functional forms at the end (``lenet5_forward``, the residual and
bottleneck blocks with their backward, ``resnet_convs``, ``conv_multiply_adds``, the digits
network) are what the architectures exercise asks students to write.
"""

from __future__ import annotations

import numpy as np

from solutions import activations as act
from solutions._validate import check_int
from solutions.backprop import conv2d_backward
from solutions.channels import conv2d
from solutions.fully_connected import flatten, linear, linear_backward, softmax_cross_entropy
from solutions.layers import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    BasicConv2d,
    BatchNorm2d,
    Bottleneck,
    CeilMaxPool2d,
    Conv2d,
    DenseLayer,
    Dropout,
    Flatten,
    Inception,
    InvertedResidual,
    Layer,
    Linear,
    MaskedConv2d,
    MaxPool2d,
    ReLU,
    ReLU6,
    ResidualBlock,
    Sequential,
    Sigmoid,
    Subsampling,
    Tanh,
)
from solutions.pooling import avg_pool2d

# --- the classic networks -------------------------------------------------------------------


def lenet5(activation: str = "sigmoid", pool: str = "avg", num_classes: int = 10) -> Sequential:
    """LeNet-5 as in d2l (input (N, 1, 28, 28)): 61,706 parameters with 10 classes.

    conv 5x5 (6, padding 2) - act - pool 2 - conv 5x5 (16) - act - pool 2 - flatten -
    linear 400->120 - act - linear 120->84 - act - linear 84->num_classes.
    ``activation`` is "sigmoid" (the original) or "relu"; ``pool`` "avg" or "max".
    """
    acts = {"sigmoid": Sigmoid, "relu": ReLU, "tanh": Tanh}
    pools = {"avg": AvgPool2d, "max": MaxPool2d}
    if activation not in acts or pool not in pools:
        raise ValueError(f"activation must be one of {list(acts)} and pool one of {list(pools)}")
    a, p = acts[activation], pools[pool]
    return Sequential(
        Conv2d(1, 6, 5, padding=2),
        a(),
        p(2, 2),
        Conv2d(6, 16, 5),
        a(),
        p(2, 2),
        Flatten(),
        Linear(16 * 5 * 5, 120),
        a(),
        Linear(120, 84),
        a(),
        Linear(84, num_classes),
    )


def _lenet_c3_connections() -> np.ndarray:
    """LeCun et al. 1998, Table I: which of S2's 6 maps each of C3's 16 maps reads (16, 6).

    Maps 0-5 read 3 neighbouring maps, 6-11 read 4 neighbouring maps, 12-14 read 4 maps that
    are not all neighbours, 15 reads all 6: 60 connections in all.
    """
    table = np.zeros((16, 6), dtype=bool)
    for k in range(6):
        table[k, [(k + d) % 6 for d in range(3)]] = True
        table[6 + k, [(k + d) % 6 for d in range(4)]] = True
    for k, maps in zip((12, 13, 14), ([0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5]), strict=True):
        table[k, maps] = True
    table[15] = True
    return table


def lenet5_classic(num_classes: int = 10) -> Sequential:
    """LeNet-5 as in LeCun et al. 1998 (input (N, 1, 32, 32)): 60,850 parameters.

    C1 conv 5x5 (6) - S2 subsampling - C3 conv 5x5 (16, partial connections of Table I) -
    S4 subsampling - C5 conv 5x5 (120) - F6 linear 120->84 - output, with tanh squashing after
    every layer but the last. C1 to F6 hold the paper's 60,000 trainable parameters
    (156 + 12 + 1,516 + 32 + 48,120 + 10,164); the paper's fixed RBF output units are replaced
    by a linear layer (850 more), trained with softmax cross-entropy.
    """
    return Sequential(
        Conv2d(1, 6, 5),
        Tanh(),
        Subsampling(6),
        Tanh(),
        MaskedConv2d(6, 16, 5, _lenet_c3_connections()),
        Tanh(),
        Subsampling(16),
        Tanh(),
        Conv2d(16, 120, 5),
        Tanh(),
        Flatten(),
        Linear(120, 84),
        Tanh(),
        Linear(84, num_classes),
    )


def alexnet(num_classes: int = 1000) -> Sequential:
    """AlexNet as in torchvision (input (N, 3, 224, 224)): 61,100,840 parameters."""
    return Sequential(
        (
            "features",
            Sequential(
                Conv2d(3, 64, 11, stride=4, padding=2),
                ReLU(),
                MaxPool2d(3, 2),
                Conv2d(64, 192, 5, padding=2),
                ReLU(),
                MaxPool2d(3, 2),
                Conv2d(192, 384, 3, padding=1),
                ReLU(),
                Conv2d(384, 256, 3, padding=1),
                ReLU(),
                Conv2d(256, 256, 3, padding=1),
                ReLU(),
                MaxPool2d(3, 2),
            ),
        ),
        ("avgpool", AdaptiveAvgPool2d(6)),
        ("flatten", Flatten()),
        (
            "classifier",
            Sequential(
                Dropout(),
                Linear(256 * 6 * 6, 4096),
                ReLU(),
                Dropout(),
                Linear(4096, 4096),
                ReLU(),
                Linear(4096, num_classes),
            ),
        ),
    )


def vgg16(num_classes: int = 1000) -> Sequential:
    """VGG-16 (configuration D) as in torchvision (input (N, 3, 224, 224)): 138,357,544."""
    layers: list[Layer] = []
    channels = 3
    for v in (
        64,
        64,
        "M",
        128,
        128,
        "M",
        256,
        256,
        256,
        "M",
        512,
        512,
        512,
        "M",
        512,
        512,
        512,
        "M",
    ):
        if v == "M":
            layers.append(MaxPool2d(2, 2))
        else:
            layers += [Conv2d(channels, v, 3, padding=1), ReLU()]
            channels = v
    return Sequential(
        ("features", Sequential(*layers)),
        ("avgpool", AdaptiveAvgPool2d(7)),
        ("flatten", Flatten()),
        (
            "classifier",
            Sequential(
                Linear(512 * 7 * 7, 4096),
                ReLU(),
                Dropout(),
                Linear(4096, 4096),
                ReLU(),
                Dropout(),
                Linear(4096, num_classes),
            ),
        ),
    )


def resnet18(num_classes: int = 1000) -> Sequential:
    """ResNet-18 as in torchvision (input (N, 3, 224, 224)): 11,689,512 parameters."""

    def stage(c_in, c_out, stride):
        return Sequential(ResidualBlock(c_in, c_out, stride), ResidualBlock(c_out, c_out))

    return Sequential(
        ("conv1", Conv2d(3, 64, 7, stride=2, padding=3, bias=False)),
        ("bn1", BatchNorm2d(64)),
        ("relu", ReLU()),
        ("maxpool", MaxPool2d(3, 2, 1)),
        ("layer1", stage(64, 64, 1)),
        ("layer2", stage(64, 128, 2)),
        ("layer3", stage(128, 256, 2)),
        ("layer4", stage(256, 512, 2)),
        ("avgpool", AdaptiveAvgPool2d(1)),
        ("flatten", Flatten()),
        ("fc", Linear(512, num_classes)),
    )


def _nin_block(c_in: int, c_out: int, kernel: int, stride: int, padding: int) -> Sequential:
    """d2l's NiN block: conv k x k - ReLU - conv 1x1 - ReLU - conv 1x1 - ReLU (with biases)."""
    return Sequential(
        Conv2d(c_in, c_out, kernel, stride=stride, padding=padding),
        ReLU(),
        Conv2d(c_out, c_out, 1),
        ReLU(),
        Conv2d(c_out, c_out, 1),
        ReLU(),
    )


def nin(num_classes: int = 10, in_channels: int = 1) -> Sequential:
    """Network in Network, d2l's variant (Lin et al. 2013 as d2l builds it; input (N, 1, 224, 224)):
    1,992,166 parameters with the defaults (10 classes, 1 input channel).

    nin_block(96, 11x11, stride 4) - maxpool 3/2 - nin_block(256, 5x5, padding 2) - maxpool 3/2 -
    nin_block(384, 3x3, padding 1) - maxpool 3/2 - dropout 0.5 - nin_block(num_classes, 3x3,
    padding 1) - global average pooling - flatten, each nin_block a conv and two 1x1 convs,
    each followed by ReLU. No fully connected layer: the last block's maps are the class
    scores. Output (N, num_classes).
    """
    num_classes = check_int(num_classes, "num_classes", 1)
    in_channels = check_int(in_channels, "in_channels", 1)
    return Sequential(
        _nin_block(in_channels, 96, 11, 4, 0),
        MaxPool2d(3, 2),
        _nin_block(96, 256, 5, 1, 2),
        MaxPool2d(3, 2),
        _nin_block(256, 384, 3, 1, 1),
        MaxPool2d(3, 2),
        Dropout(0.5),
        _nin_block(384, num_classes, 3, 1, 1),
        AdaptiveAvgPool2d(1),
        Flatten(),
    )


def googlenet(num_classes: int = 1000) -> Sequential:
    """GoogLeNet as in torchvision, without the auxiliary classifiers (input (N, 3, 224, 224)):
    6,624,904 parameters.

    Every conv is a ``BasicConv2d`` (conv without bias, batch norm with eps 0.001, ReLU) — the
    batch norm is torchvision's addition, the 2014 paper has none. Inception's "5x5" branch
    is a 3x3 conv, as in torchvision (a known quirk of its port, kept so the count matches).
    The four stride-2 max poolings use ceil mode as torchvision's (``CeilMaxPool2d``), so the
    maps are 112, 56, 56, 28, 14, 7 as there; floor-mode pooling would give 112, 55, 27, 13,
    6 and the same (N, num_classes) output after the global average pooling, with the same
    parameters. Output (N, num_classes).
    """
    num_classes = check_int(num_classes, "num_classes", 1)
    return Sequential(
        ("conv1", BasicConv2d(3, 64, 7, stride=2, padding=3)),
        ("maxpool1", CeilMaxPool2d(3, 2)),
        ("conv2", BasicConv2d(64, 64, 1)),
        ("conv3", BasicConv2d(64, 192, 3, padding=1)),
        ("maxpool2", CeilMaxPool2d(3, 2)),
        ("inception3a", Inception(192, 64, 96, 128, 16, 32, 32)),
        ("inception3b", Inception(256, 128, 128, 192, 32, 96, 64)),
        ("maxpool3", CeilMaxPool2d(3, 2)),
        ("inception4a", Inception(480, 192, 96, 208, 16, 48, 64)),
        ("inception4b", Inception(512, 160, 112, 224, 24, 64, 64)),
        ("inception4c", Inception(512, 128, 128, 256, 24, 64, 64)),
        ("inception4d", Inception(512, 112, 144, 288, 32, 64, 64)),
        ("inception4e", Inception(528, 256, 160, 320, 32, 128, 128)),
        ("maxpool4", CeilMaxPool2d(2, 2)),
        ("inception5a", Inception(832, 256, 160, 320, 32, 128, 128)),
        ("inception5b", Inception(832, 384, 192, 384, 48, 128, 128)),
        ("avgpool", AdaptiveAvgPool2d(1)),
        ("flatten", Flatten()),
        ("dropout", Dropout(0.2)),
        ("fc", Linear(1024, num_classes)),
    )


def resnet50(num_classes: int = 1000) -> Sequential:
    """ResNet-50 as in torchvision (v1.5; input (N, 3, 224, 224)): 25,557,032 parameters.

    Stem conv 7x7/2 - BN - ReLU - maxpool 3/2, then four stages of 3, 4, 6, 3 ``Bottleneck``
    blocks of widths 64, 128, 256, 512 (outputs 4x wider; the first block of stages 2-4 has
    stride 2, the first of every stage a projection shortcut), global average pooling,
    Linear(2048, num_classes). Output (N, num_classes).
    """
    num_classes = check_int(num_classes, "num_classes", 1)

    def stage(c_in: int, width: int, blocks: int, stride: int) -> Sequential:
        first = Bottleneck(c_in, width, stride)
        return Sequential(first, *[Bottleneck(4 * width, width) for _ in range(blocks - 1)])

    return Sequential(
        ("conv1", Conv2d(3, 64, 7, stride=2, padding=3, bias=False)),
        ("bn1", BatchNorm2d(64)),
        ("relu", ReLU()),
        ("maxpool", MaxPool2d(3, 2, 1)),
        ("layer1", stage(64, 64, 3, 1)),
        ("layer2", stage(256, 128, 4, 2)),
        ("layer3", stage(512, 256, 6, 2)),
        ("layer4", stage(1024, 512, 3, 2)),
        ("avgpool", AdaptiveAvgPool2d(1)),
        ("flatten", Flatten()),
        ("fc", Linear(2048, num_classes)),
    )


def densenet121(num_classes: int = 1000) -> Sequential:
    """DenseNet-121 as in torchvision (input (N, 3, 224, 224)): 7,978,856 parameters.

    ``features``: conv0 7x7/2 (64, no bias) - norm0 - relu0 - pool0 (max 3/2, padding 1), then
    dense blocks of 6, 12, 24, 16 ``DenseLayer``s (growth 32, bn_size 4: each adds 32 maps),
    separated by transitions (BN - ReLU - 1x1 conv halving the maps, no bias - avgpool 2/2),
    and norm5; then ReLU, global average pooling, Linear(1024, num_classes) ("classifier").
    Maps: 64 -> 256 -> 128 -> 512 -> 256 -> 1024 -> 512 -> 1024. Output (N, num_classes).
    """
    num_classes = check_int(num_classes, "num_classes", 1)
    growth, bn_size, channels = 32, 4, 64
    features: list[tuple[str, Layer]] = [
        ("conv0", Conv2d(3, channels, 7, stride=2, padding=3, bias=False)),
        ("norm0", BatchNorm2d(channels)),
        ("relu0", ReLU()),
        ("pool0", MaxPool2d(3, 2, 1)),
    ]
    block_sizes = (6, 12, 24, 16)
    for i, n_layers in enumerate(block_sizes, start=1):
        layers = [
            (f"denselayer{j + 1}", DenseLayer(channels + j * growth, growth, bn_size))
            for j in range(n_layers)
        ]
        features.append((f"denseblock{i}", Sequential(*layers)))
        channels += n_layers * growth
        if i < len(block_sizes):
            transition = Sequential(
                ("norm", BatchNorm2d(channels)),
                ("relu", ReLU()),
                ("conv", Conv2d(channels, channels // 2, 1, bias=False)),
                ("pool", AvgPool2d(2, 2)),
            )
            features.append((f"transition{i}", transition))
            channels //= 2
    features.append(("norm5", BatchNorm2d(channels)))
    return Sequential(
        ("features", Sequential(*features)),
        ("relu", ReLU()),
        ("avgpool", AdaptiveAvgPool2d(1)),
        ("flatten", Flatten()),
        ("classifier", Linear(channels, num_classes)),
    )


def mobilenet_v2(num_classes: int = 1000) -> Sequential:
    """MobileNet v2 as in torchvision (width 1.0; input (N, 3, 224, 224)): 3,504,872 parameters.

    ``features``: conv 3x3/2 (32) - BN - ReLU6; 17 ``InvertedResidual`` blocks from the settings
    (t, c, n, s) = (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
    (6, 160, 3, 2), (6, 320, 1, 1) (n blocks of c output maps, expansion t, the first with
    stride s); conv 1x1 (1280) - BN - ReLU6. Then global average pooling and ``classifier``:
    dropout 0.2, Linear(1280, num_classes). All convs without bias. Output (N, num_classes).
    """
    num_classes = check_int(num_classes, "num_classes", 1)
    settings = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1))
    settings += ((6, 160, 3, 2), (6, 320, 1, 1))
    channels = 32
    features: list[Layer] = [
        Sequential(
            Conv2d(3, channels, 3, stride=2, padding=1, bias=False), BatchNorm2d(32), ReLU6()
        )
    ]
    for t, c, n, s in settings:
        for i in range(n):
            features.append(InvertedResidual(channels, c, s if i == 0 else 1, t))
            channels = c
    features.append(Sequential(Conv2d(channels, 1280, 1, bias=False), BatchNorm2d(1280), ReLU6()))
    return Sequential(
        ("features", Sequential(*features)),
        ("avgpool", AdaptiveAvgPool2d(1)),
        ("flatten", Flatten()),
        ("classifier", Sequential(Dropout(0.2), Linear(1280, num_classes))),
    )


# --- functional forms used by the exercises -------------------------------------------------


def lenet5_forward(x: np.ndarray, params: dict[str, np.ndarray]) -> np.ndarray:
    """Forward pass of d2l's LeNet-5 (sigmoid, average pooling) as plain function calls.

    Args:
        x: images, shape (N, 1, 28, 28).
        params: "0.weight" (6, 1, 5, 5), "0.bias" (6,), "3.weight" (16, 6, 5, 5), "3.bias"
            (16,), "7.weight" (120, 400), "7.bias" (120,), "9.weight" (84, 120), "9.bias"
            (84,), "11.weight" (10, 84), "11.bias" (10,) — the keys of ``lenet5().params()``.

    Returns:
        Logits of shape (N, 10).
    """
    missing = set(lenet5().param_shapes()) - set(params)
    if missing:
        raise ValueError(f"params is missing {sorted(missing)}")
    h = avg_pool2d(act.sigmoid(conv2d(x, params["0.weight"], params["0.bias"], padding=2)), 2)
    h = avg_pool2d(act.sigmoid(conv2d(h, params["3.weight"], params["3.bias"])), 2)
    h = act.sigmoid(linear(flatten(h), params["7.weight"], params["7.bias"]))
    h = act.sigmoid(linear(h, params["9.weight"], params["9.bias"]))
    return linear(h, params["11.weight"], params["11.bias"])


def residual_block(
    x: np.ndarray,
    w1: np.ndarray,
    w2: np.ndarray,
    w_shortcut: np.ndarray | None = None,
    stride: int = 1,
) -> np.ndarray:
    """A residual block without batch norm: relu(conv(relu(conv(x, w1)), w2) + shortcut(x)).

    Args:
        x: input, shape (N, C_in, H, W).
        w1: (C_out, C_in, 3, 3), applied with ``stride`` and padding 1.
        w2: (C_out, C_out, 3, 3), stride 1, padding 1.
        w_shortcut: None for the identity (needs C_in == C_out and stride 1), or a projection
            (C_out, C_in, 1, 1) applied with ``stride``.
        stride: of the first convolution and the projection.

    Returns:
        (N, C_out, H_out, W_out), H_out = floor((H - 1) / stride) + 1.
    """
    main = act.relu(conv2d(x, w1, stride=stride, padding=1))
    main = conv2d(main, w2, padding=1)
    if w_shortcut is None:
        if main.shape != np.shape(x):
            raise ValueError(
                f"identity shortcut needs the output shape {main.shape} to equal x {np.shape(x)}: "
                "pass w_shortcut (a 1x1 projection)"
            )
        short = np.asarray(x, dtype=main.dtype)
    else:
        short = conv2d(x, w_shortcut, stride=stride)
    return act.relu(main + short)


def residual_block_backward(
    dout: np.ndarray,
    x: np.ndarray,
    w1: np.ndarray,
    w2: np.ndarray,
    w_shortcut: np.ndarray | None = None,
    stride: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Gradients of ``residual_block(x, w1, w2, w_shortcut, stride)``.

    Args:
        dout: upstream gradient, the block's output shape (N, C_out, H_out, W_out).
        x, w1, w2, w_shortcut, stride: as in the forward call.

    Returns:
        (dx, dw1, dw2, dw_shortcut) of the shapes of x, w1, w2 and w_shortcut; dw_shortcut is
        None for the identity shortcut. The sum sends the output ReLU's gradient to both
        branches, and dx adds what comes back along each.
    """
    z1 = conv2d(x, w1, stride=stride, padding=1)
    r1 = act.relu(z1)
    main = conv2d(r1, w2, padding=1)
    short = (
        np.asarray(x, dtype=main.dtype)
        if w_shortcut is None
        else conv2d(x, w_shortcut, stride=stride)
    )
    if main.shape != short.shape:
        raise ValueError(
            f"identity shortcut needs the output shape {main.shape} to equal x {np.shape(x)}: "
            "pass w_shortcut (a 1x1 projection)"
        )
    if np.shape(dout) != main.shape:
        raise ValueError(
            f"dout must have the block's output shape {main.shape}, got {np.shape(dout)}"
        )
    d = act.relu_backward(dout, main + short)
    dr1, dw2, _ = conv2d_backward(d, r1, w2, padding=1)
    dx, dw1, _ = conv2d_backward(act.relu_backward(dr1, z1), x, w1, stride=stride, padding=1)
    if w_shortcut is None:
        return dx + d, dw1, dw2, None
    dx_short, dw_short, _ = conv2d_backward(d, x, w_shortcut, stride=stride)
    return dx + dx_short, dw1, dw2, dw_short


# the bottleneck block of the exercise: conv biases stand for the batch norms folded in
# (in eval mode a batch norm is a per-channel scale and shift, which a convolution absorbs)
_BOTTLENECK_KEYS = (
    "conv1.weight",
    "conv1.bias",
    "conv2.weight",
    "conv2.bias",
    "conv3.weight",
    "conv3.bias",
)
_SHORTCUT_KEYS = ("shortcut.weight", "shortcut.bias")


def _bottleneck_parts(x, params, stride):
    missing = [k for k in _BOTTLENECK_KEYS if k not in params]
    if missing:
        raise ValueError(f"params is missing {missing}")
    projection = "shortcut.weight" in params
    if projection and "shortcut.bias" not in params:
        raise ValueError("params has 'shortcut.weight' but no 'shortcut.bias'")
    p = params
    z1 = conv2d(x, p["conv1.weight"], p["conv1.bias"])
    z2 = conv2d(act.relu(z1), p["conv2.weight"], p["conv2.bias"], stride=stride, padding=1)
    z3 = conv2d(act.relu(z2), p["conv3.weight"], p["conv3.bias"])
    if projection:
        short = conv2d(x, p["shortcut.weight"], p["shortcut.bias"], stride=stride)
    else:
        short = np.asarray(x, dtype=z3.dtype)
        if short.shape != z3.shape:
            raise ValueError(
                f"identity shortcut needs the output shape {z3.shape} to equal x {short.shape}: "
                "pass 'shortcut.weight' and 'shortcut.bias' (a 1x1 projection)"
            )
    return z1, z2, z3, short


def bottleneck_block(x: np.ndarray, params: dict[str, np.ndarray], stride: int = 1) -> np.ndarray:
    """ResNet's bottleneck block with biases instead of batch norm (torchvision's v1.5 form:
    the stride is on the 3x3 convolution).

    relu(conv3(relu(conv2(relu(conv1(x)))))) + shortcut(x)), conv1 1x1, conv2 3x3 with
    ``stride`` and padding 1, conv3 1x1; the shortcut is the identity, or a 1x1 projection with
    ``stride`` when params hold "shortcut.weight" and "shortcut.bias".

    Args:
        x: (N, C_in, H, W).
        params: "conv1.weight" (W, C_in, 1, 1), "conv1.bias" (W,), "conv2.weight"
            (W, W, 3, 3), "conv2.bias" (W,), "conv3.weight" (C_out, W, 1, 1), "conv3.bias"
            (C_out,), optionally "shortcut.weight" (C_out, C_in, 1, 1), "shortcut.bias" (C_out,).
        stride: of the 3x3 convolution and of the projection.

    Returns:
        (N, C_out, H_out, W_out), H_out = floor((H - 1) / stride) + 1.
    """
    _, _, z3, short = _bottleneck_parts(x, params, stride)
    return act.relu(z3 + short)


def bottleneck_block_backward(
    dout: np.ndarray, x: np.ndarray, params: dict[str, np.ndarray], stride: int = 1
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Gradients of ``bottleneck_block(x, params, stride)``.

    Args:
        dout: upstream gradient, the block's output shape (N, C_out, H_out, W_out).
        x, params, stride: as in the forward call.

    Returns:
        (dx, grads): dx of x's shape, grads a dict with the keys and shapes of ``params``.
    """
    z1, z2, z3, short = _bottleneck_parts(x, params, stride)
    if np.shape(dout) != z3.shape:
        raise ValueError(
            f"dout must have the block's output shape {z3.shape}, got {np.shape(dout)}"
        )
    p, grads = params, {}
    d = act.relu_backward(dout, z3 + short)
    dr2, grads["conv3.weight"], grads["conv3.bias"] = conv2d_backward(
        d, act.relu(z2), p["conv3.weight"]
    )
    dr1, grads["conv2.weight"], grads["conv2.bias"] = conv2d_backward(
        act.relu_backward(dr2, z2), act.relu(z1), p["conv2.weight"], stride=stride, padding=1
    )
    dx, grads["conv1.weight"], grads["conv1.bias"] = conv2d_backward(
        act.relu_backward(dr1, z1), x, p["conv1.weight"]
    )
    if "shortcut.weight" in p:
        dx_short, grads["shortcut.weight"], grads["shortcut.bias"] = conv2d_backward(
            d, x, p["shortcut.weight"], stride=stride
        )
        dx = dx + dx_short
    else:
        dx = dx + d
    return dx, {k: grads[k] for k in p}


def resnet_convs(blocks: list[int], bottleneck: bool) -> list[tuple[int, int, int, int, int]]:
    """Every convolution of a ResNet on a 224x224 image, from the paper's table.

    Args:
        blocks: the number of blocks of each of the four stages ([2, 2, 2, 2] for ResNet-18,
            [3, 4, 6, 3] for ResNet-34 and -50, [3, 4, 23, 3] for ResNet-101).
        bottleneck: bottleneck blocks (1x1, 3x3, 1x1 with 4x wider outputs) or basic ones
            (3x3, 3x3).

    Returns:
        (c_in, c_out, kernel, stride, output size) per convolution, in torchvision's order:
        the stem's 7x7, then per block its main path and, in the first block of a stage whose
        shape changes, the 1x1 projection. The stride of a bottleneck is on its 3x3
        convolution (torchvision's v1.5).
    """
    if len(blocks) != 4 or any(int(b) < 1 for b in blocks):
        raise ValueError(f"blocks must be four positive counts, got {blocks!r}")
    convs = [(3, 64, 7, 2, 112)]
    channels, size = 64, 56  # after the stem's max pooling
    expansion = 4 if bottleneck else 1
    for stage, (width, count) in enumerate(zip((64, 128, 256, 512), blocks, strict=True)):
        for block in range(int(count)):
            stride = 2 if stage > 0 and block == 0 else 1
            out_size = (size - 1) // stride + 1
            c_out = expansion * width
            if bottleneck:
                convs += [
                    (channels, width, 1, 1, size),
                    (width, width, 3, stride, out_size),
                    (width, c_out, 1, 1, out_size),
                ]
            else:
                convs += [(channels, width, 3, stride, out_size), (width, width, 3, 1, out_size)]
            if stride != 1 or channels != c_out:
                convs.append((channels, c_out, 1, stride, out_size))
            channels, size = c_out, out_size
    return convs


def conv_multiply_adds(convs: list[tuple[int, int, int, int, int]]) -> int:
    """Multiply-adds of convolutions for one image.

    Args:
        convs: rows (c_in, c_out, kernel, stride, output size) as ``resnet_convs`` gives.

    Returns:
        The sum over rows of c_out * c_in * kernel^2 * output size^2 (one multiply-add per
        weight per output position; the bias adds are not counted).
    """
    return int(sum(int(co) * int(ci) * int(k) ** 2 * int(s) ** 2 for ci, co, k, _, s in convs))


def digits_net_forward(params: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """Logits of the exercise's small residual network for 8x8 digits.

    conv 3x3 (1 -> C, padding 1, bias) - ReLU - residual block (identity, C maps) - flatten -
    linear (C * 64 -> 10).

    Args:
        params: "stem.weight" (C, 1, 3, 3), "stem.bias" (C,), "block.w1" (C, C, 3, 3),
            "block.w2" (C, C, 3, 3), "fc.weight" (10, C * 64), "fc.bias" (10,).
        x: images, shape (N, 1, 8, 8).

    Returns:
        Logits of shape (N, 10).
    """
    h = act.relu(conv2d(x, params["stem.weight"], params["stem.bias"], padding=1))
    out = residual_block(h, params["block.w1"], params["block.w2"])
    return linear(flatten(out), params["fc.weight"], params["fc.bias"])


def digits_net_loss_and_grads(
    params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray
) -> tuple[float, dict[str, np.ndarray]]:
    """Mean softmax cross-entropy of ``digits_net_forward`` and its gradients.

    Args:
        params: as ``digits_net_forward``.
        x: images (N, 1, 8, 8); y: integer labels (N,) in [0, 10).

    Returns:
        (loss, grads), grads a dict with the keys and shapes of ``params``.
    """
    a = conv2d(x, params["stem.weight"], params["stem.bias"], padding=1)
    h = act.relu(a)
    out = residual_block(h, params["block.w1"], params["block.w2"])
    features = flatten(out)
    loss, dlogits = softmax_cross_entropy(
        linear(features, params["fc.weight"], params["fc.bias"]), y
    )
    grads = {}
    dfeatures, grads["fc.weight"], grads["fc.bias"] = linear_backward(
        dlogits, features, params["fc.weight"]
    )
    dh, grads["block.w1"], grads["block.w2"], _ = residual_block_backward(
        dfeatures.reshape(out.shape), h, params["block.w1"], params["block.w2"]
    )
    _, grads["stem.weight"], grads["stem.bias"] = conv2d_backward(
        act.relu_backward(dh, a), x, params["stem.weight"], padding=1
    )
    return loss, {k: grads[k] for k in params}
