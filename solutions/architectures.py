"""Chapter 9, classic architectures: the networks, from LeNet-5 to ResNet-18.

Every constructor returns a ``Sequential`` of the layers in ``solutions.layers`` (the layer
contract lives there); parameters are counted from the shapes, nothing is allocated until the
weights are used. The functional forms at the end (``lenet5_forward``, ``residual_block``) are
what the architectures exercise asks students to write.
"""

from __future__ import annotations

import numpy as np

from solutions import activations as act
from solutions.channels import conv2d
from solutions.fully_connected import flatten, linear
from solutions.layers import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm2d,
    Conv2d,
    Dropout,
    Flatten,
    Layer,
    Linear,
    MaskedConv2d,
    MaxPool2d,
    ReLU,
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
        Conv2d(1, 6, 5, padding=2), a(), p(2, 2),
        Conv2d(6, 16, 5), a(), p(2, 2),
        Flatten(),
        Linear(16 * 5 * 5, 120), a(),
        Linear(120, 84), a(),
        Linear(84, num_classes),
    )  # fmt: skip


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
        Conv2d(1, 6, 5), Tanh(), Subsampling(6), Tanh(),
        MaskedConv2d(6, 16, 5, _lenet_c3_connections()), Tanh(), Subsampling(16), Tanh(),
        Conv2d(16, 120, 5), Tanh(), Flatten(),
        Linear(120, 84), Tanh(),
        Linear(84, num_classes),
    )  # fmt: skip


def alexnet(num_classes: int = 1000) -> Sequential:
    """AlexNet as in torchvision (input (N, 3, 224, 224)): 61,100,840 parameters."""
    return Sequential(
        ("features", Sequential(
            Conv2d(3, 64, 11, stride=4, padding=2), ReLU(), MaxPool2d(3, 2),
            Conv2d(64, 192, 5, padding=2), ReLU(), MaxPool2d(3, 2),
            Conv2d(192, 384, 3, padding=1), ReLU(),
            Conv2d(384, 256, 3, padding=1), ReLU(),
            Conv2d(256, 256, 3, padding=1), ReLU(), MaxPool2d(3, 2),
        )),
        ("avgpool", AdaptiveAvgPool2d(6)),
        ("flatten", Flatten()),
        ("classifier", Sequential(
            Dropout(), Linear(256 * 6 * 6, 4096), ReLU(),
            Dropout(), Linear(4096, 4096), ReLU(),
            Linear(4096, num_classes),
        )),
    )  # fmt: skip


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
        ("classifier", Sequential(
            Linear(512 * 7 * 7, 4096), ReLU(), Dropout(),
            Linear(4096, 4096), ReLU(), Dropout(),
            Linear(4096, num_classes),
        )),
    )  # fmt: skip


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
