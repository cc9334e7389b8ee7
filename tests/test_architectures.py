"""Chapter 9: layers, parameter counts, LeNet-5 and the residual block against PyTorch."""

import numpy as np
import pytest
import torch
from torch import nn

import solutions as S
from tests.oracle import assert_close, t64, torch_lenet5


@pytest.mark.parametrize(
    "build,published",
    [(S.lenet5, 61_706), (S.alexnet, 61_100_840), (S.vgg16, 138_357_544), (S.resnet18, 11_689_512)],
)
def test_parameter_counts_equal_published_figures(build, published):
    model = build()
    assert S.count_parameters(model) == published
    assert model._params is None, "counting must not allocate weights"


@pytest.mark.parametrize(
    "build,size", [(S.alexnet, 224), (S.vgg16, 224), (S.resnet18, 224), (S.lenet5, 28)]
)
def test_output_shapes_from_the_spec(build, size):
    channels = 1 if build is S.lenet5 else 3
    classes = 10 if build is S.lenet5 else 1000
    assert build().output_shape((2, channels, size, size)) == (2, classes)


@pytest.mark.parametrize("backward", ["backward", "backward_params"])
def test_lenet_forward_and_one_step_equal_torch_float64(backward):
    rng = np.random.default_rng(0)
    model = S.lenet5().initialize(seed=1, dtype=np.float64)
    ref = torch_lenet5()
    ref.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in model.params().items()})
    x = rng.standard_normal((8, 1, 28, 28))
    y = rng.integers(0, 10, 8)

    logits = model.forward(x)
    loss, dlogits = S.softmax_cross_entropy(logits, y)
    dx = getattr(model, backward)(dlogits)
    # backward_params stores the gradients without the input's, which the data does not need
    assert (dx is None) == (backward == "backward_params")
    ref_logits = ref(torch.from_numpy(x))
    ref_loss = nn.functional.cross_entropy(ref_logits, torch.from_numpy(y))
    ref_loss.backward()

    np.testing.assert_allclose(logits, ref_logits.detach().numpy(), rtol=0, atol=1e-10)
    assert loss == pytest.approx(ref_loss.item(), abs=1e-10)
    ref_grads = {k: p.grad.numpy() for k, p in ref.named_parameters()}
    for name, grad in model.grads().items():
        assert_close(grad, ref_grads[name], np.float64, name)
    # the functional form computes the same logits
    np.testing.assert_allclose(S.lenet5_forward(x, model.params()), logits, atol=1e-12)


class TorchBasicBlock(nn.Module):
    """torchvision's BasicBlock, written out (torchvision is not installed)."""

    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.downsample = None
        if stride != 1 or c_in != c_out:
            self.downsample = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out)
            )

    def forward(self, x):
        out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(out + (self.downsample(x) if self.downsample is not None else x))


@pytest.mark.parametrize("c_in,c_out,stride", [(4, 4, 1), (4, 6, 2)])
@pytest.mark.parametrize("training", [True, False])
def test_residual_block_matches_torch(c_in, c_out, stride, training):
    rng = np.random.default_rng(0)
    block = S.ResidualBlock(c_in, c_out, stride).initialize(seed=2)
    ref = TorchBasicBlock(c_in, c_out, stride)
    check_block_against_torch(block, ref, rng.standard_normal((3, c_in, 7, 6)), training, rng)
    # running statistics follow PyTorch's update (unbiased variance)
    np.testing.assert_allclose(block.bn1.running_var, ref.bn1.running_var.numpy(), atol=1e-12)


def test_functional_residual_block_identity_and_projection():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 5, 5))
    w1, w2 = rng.standard_normal((3, 3, 3, 3)), rng.standard_normal((3, 3, 3, 3))
    tx = torch.from_numpy(x)
    conv = torch.nn.functional.conv2d
    main = conv(
        torch.relu(conv(tx, torch.from_numpy(w1), padding=1)), torch.from_numpy(w2), padding=1
    )
    np.testing.assert_allclose(
        S.residual_block(x, w1, w2), torch.relu(main + tx).numpy(), atol=1e-12
    )
    ws = rng.standard_normal((4, 3, 1, 1))
    w1p, w2p = rng.standard_normal((4, 3, 3, 3)), rng.standard_normal((4, 4, 3, 3))
    main = conv(
        torch.relu(conv(tx, torch.from_numpy(w1p), stride=2, padding=1)),
        torch.from_numpy(w2p),
        padding=1,
    )
    short = conv(tx, torch.from_numpy(ws), stride=2)
    np.testing.assert_allclose(
        S.residual_block(x, w1p, w2p, ws, stride=2), torch.relu(main + short).numpy(), atol=1e-12
    )
    with pytest.raises(ValueError, match="w_shortcut"):
        S.residual_block(x, w1p, w2p)


def test_summary_lists_every_layer_with_shapes():
    text = S.summary(S.lenet5(), (1, 1, 28, 28))
    assert "(1, 6, 28, 28)" in text and "(1, 16, 5, 5)" in text and "(1, 10)" in text
    assert text.strip().endswith("total parameters: 61,706")


def test_dropout_train_and_eval():
    layer = S.Dropout(0.5, seed=0)
    x = np.ones((1000, 10))
    out = layer.forward(x)
    assert set(np.unique(out)) == {0.0, 2.0}  # inverted dropout keeps the expectation
    assert abs(out.mean() - 1) < 0.05
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), out)
    layer.eval()
    np.testing.assert_array_equal(layer.forward(x), x)


def test_layer_contract_errors():
    with pytest.raises(RuntimeError, match="before forward"):
        S.Conv2d(1, 1, 3).backward(np.zeros((1, 1, 1, 1)))
    model = S.lenet5()
    with pytest.raises(ValueError, match="missing"):
        model.load_params({"0.weight": np.zeros((6, 1, 5, 5))})


def test_classic_lenet_counts_the_papers_60000():
    model = S.lenet5_classic()
    per_layer = {name: layer.num_parameters() for name, layer in model.layers}
    # LeCun et al. 1998: C1 156, S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164 = 60,000
    assert [per_layer[k] for k in ("0", "2", "4", "6", "8", "11")] == [
        156,
        12,
        1516,
        32,
        48120,
        10164,
    ]
    assert S.count_parameters(model) == 60_000 + 850  # + a linear output instead of RBF units
    assert model.output_shape((3, 1, 32, 32)) == (3, 10)


def test_c3_connection_table_matches_the_paper():
    table = S.lenet5_classic()[4].connections
    assert table.sum() == 60  # 6 maps x 3 + 9 maps x 4 + 1 map x 6
    assert list(table.sum(axis=1)) == [3] * 6 + [4] * 9 + [6]
    assert sorted(np.nonzero(table[0])[0]) == [0, 1, 2] and sorted(np.nonzero(table[14])[0]) == [
        0,
        2,
        3,
        5,
    ]


def test_masked_conv_is_a_dense_conv_with_zero_kernels_and_matches_torch():
    rng = np.random.default_rng(0)
    mask = rng.random((4, 3)) < 0.5
    layer = S.MaskedConv2d(3, 4, 3, mask).initialize(seed=1)
    kernels = layer.params()["weight"]
    assert kernels.shape == (mask.sum(), 3, 3)  # one kernel per connection
    dense = np.zeros((4, 3, 3, 3))
    dense[mask] = kernels  # the kernels in row-major order of the connections
    x = rng.standard_normal((2, 3, 6, 6))
    xt = torch.from_numpy(x).requires_grad_(True)
    wt = torch.from_numpy(dense).requires_grad_(True)
    ref = torch.nn.functional.conv2d(xt, wt, torch.from_numpy(layer.params()["bias"]))
    assert_close(layer.forward(x), ref.detach(), np.float64)
    dout = rng.standard_normal(ref.shape)
    ref.backward(torch.from_numpy(dout))
    assert_close(layer.backward(dout), xt.grad, np.float64)
    assert_close(layer.grads()["weight"], wt.grad[torch.from_numpy(mask)], np.float64)
    layer._grads = {}
    assert layer.backward_params(dout) is None  # the same weight gradient, without dx
    assert_close(layer.grads()["weight"], wt.grad[torch.from_numpy(mask)], np.float64)


def test_one_network_one_parameter_count():
    for model in (S.lenet5_classic(), S.lenet5(), S.resnet18()):
        assert S.count_parameters(model) == S.count_parameters(model.params())
    assert S.count_parameters(S.lenet5_classic().params()) == 60_850


def test_reprs_show_every_hyper_parameter():
    assert repr(S.MaxPool2d(3, 2, 1)) == "MaxPool2d(kernel_size=3, stride=2, padding=1)"
    conv = S.Conv2d(4, 8, 3, stride=2, padding=1, dilation=2, groups=4, bias=False)
    assert repr(conv) == (
        "Conv2d(4, 8, kernel_size=(3, 3), stride=2, padding=1, dilation=2, groups=4, bias=False)"
    )
    assert repr(S.Conv2d(3, 6, 5)) == "Conv2d(3, 6, kernel_size=(5, 5))"  # defaults omitted
    table = S.summary(S.resnet18(), (1, 3, 224, 224))
    assert "MaxPool2d(kernel_size=3, stride=2, padding=1)" in table
    assert "ResidualBlock(64, 128, stride=2, shortcut=projection)" in table


def test_package_exports_functions_and_classes_only():
    import types

    exported = {name: getattr(S, name) for name in S.__all__}
    modules = [name for name, value in exported.items() if isinstance(value, types.ModuleType)]
    assert not modules, f"solutions.__all__ exports modules: {modules}"
    assert {"conv2d", "Conv2d", "count_parameters", "SGD", "lenet5"} <= set(exported)


# --- NiN, GoogLeNet, ResNet-50, DenseNet-121, MobileNet v2 ----------------------------------

MODERN = [
    (S.googlenet, 6_624_904),  # torchvision's, without the auxiliary classifiers
    (S.resnet50, 25_557_032),
    (S.densenet121, 7_978_856),
    (S.mobilenet_v2, 3_504_872),
]


def nin_count_by_hand() -> int:
    """d2l's NiN (1 input channel, 10 classes), block by block: a k x k conv c_in -> c with
    bias (c_in*k*k*c + c) and two 1x1 convs c -> c with bias (c*c + c each)."""
    block1 = (1 * 11 * 11 * 96 + 96) + 2 * (96 * 96 + 96)  # 11,712 + 18,624 = 30,336
    block2 = (96 * 5 * 5 * 256 + 256) + 2 * (256 * 256 + 256)  # 614,656 + 131,584 = 746,240
    block3 = (256 * 3 * 3 * 384 + 384) + 2 * (384 * 384 + 384)  # 885,120 + 295,680 = 1,180,800
    block4 = (384 * 3 * 3 * 10 + 10) + 2 * (10 * 10 + 10)  # 34,570 + 220 = 34,790
    # pooling, dropout, global average pooling and flatten have no parameters
    assert (block1, block2, block3, block4) == (30_336, 746_240, 1_180_800, 34_790)
    return block1 + block2 + block3 + block4


def test_nin_count_is_the_hand_derivation():
    model = S.nin()
    assert nin_count_by_hand() == 1_992_166
    assert S.count_parameters(model) == 1_992_166
    assert model._params is None, "counting must not allocate weights"
    blocks = [model[i] for i in (0, 2, 4, 7)]
    assert [S.count_parameters(b) for b in blocks] == [30_336, 746_240, 1_180_800, 34_790]
    assert "1,992,166" in S.nin.__doc__


@pytest.mark.parametrize("build,published", MODERN, ids=[b.__name__ for b, _ in MODERN])
def test_modern_counts_equal_torchvision(build, published):
    model = build()
    assert S.count_parameters(model) == published
    assert model._params is None, "counting must not allocate weights"
    assert f"{published:,}" in build.__doc__


@pytest.mark.parametrize("build", [S.nin] + [b for b, _ in MODERN])
def test_modern_output_shapes_at_224(build):
    if build is S.nin:
        assert build().output_shape((1, 1, 224, 224)) == (1, 10)
        assert build(num_classes=7, in_channels=3).output_shape((2, 3, 224, 224)) == (2, 7)
    else:
        assert build().output_shape((1, 3, 224, 224)) == (1, 1000)
        assert build(num_classes=5).output_shape((2, 3, 224, 224)) == (2, 5)


@pytest.mark.parametrize("build", [S.nin] + [b for b, _ in MODERN])
def test_modern_constructors_validate_num_classes(build):
    with pytest.raises(ValueError, match="num_classes"):
        build(num_classes=0)


@pytest.mark.parametrize(
    "build,shape,block,count,total",
    [
        (S.nin, (1, 1, 224, 224), "Conv2d(", 12, 1_992_166),
        (S.googlenet, (1, 3, 224, 224), "Inception(", 9, 6_624_904),
        (S.resnet50, (1, 3, 224, 224), "Bottleneck(", 16, 25_557_032),
        (S.densenet121, (1, 3, 224, 224), "DenseLayer(", 6 + 12 + 24 + 16, 7_978_856),
        (S.mobilenet_v2, (1, 3, 224, 224), "InvertedResidual(", 17, 3_504_872),
    ],
    ids=["nin", "googlenet", "resnet50", "densenet121", "mobilenet_v2"],
)
def test_summary_lists_every_block(build, shape, block, count, total):
    text = S.summary(build(), shape)
    rows = text.splitlines()[2:-1]
    assert sum(block in row for row in rows) == count
    assert text.endswith(f"total parameters: {total:,}")
    classes = 10 if build is S.nin else 1000
    assert f"(1, {classes})" in rows[-1]


def test_summary_rows_of_the_modern_networks():
    text = S.summary(S.resnet50(), (1, 3, 224, 224))
    assert "Bottleneck(64, 64, stride=1, out_channels=256, shortcut=projection)" in text
    assert "Bottleneck(1024, 512, stride=2, out_channels=2048, shortcut=projection)" in text
    assert "(1, 2048, 7, 7)" in text
    text = S.summary(S.mobilenet_v2(), (1, 3, 224, 224))
    assert "InvertedResidual(32, 16, stride=1, expand_ratio=1, shortcut=none)" in text
    assert "InvertedResidual(24, 24, stride=1, expand_ratio=6, shortcut=identity)" in text
    assert "(1, 320, 7, 7)" in text and "(1, 1280, 7, 7)" in text
    text = S.summary(S.googlenet(), (1, 3, 224, 224))
    assert "Inception(192, 64, 96, 128, 16, 32, 32)" in text
    assert "CeilMaxPool2d(kernel_size=3, stride=2, padding=0, ceil_mode=True)" in text
    # torchvision's map sizes after the four ceil-mode poolings (floor mode: 55, 27, 13, 6)
    for shape in ("(1, 64, 56, 56)", "(1, 192, 28, 28)", "(1, 480, 14, 14)", "(1, 832, 7, 7)"):
        assert shape in text
    assert "(1, 1024, 7, 7)" in text
    text = S.summary(S.densenet121(), (1, 3, 224, 224))
    assert (
        "features.denseblock1.denselayer1" in text and "features.denseblock4.denselayer16" in text
    )
    assert "DenseLayer(64, growth_rate=32, bn_size=4)" in text
    assert "(1, 1024, 7, 7)" in text


# torch versions of the blocks, written out after torchvision's source (torchvision is not
# installable here); the networks built from them give the reference parameter names


class TorchBasicConv2d(nn.Module):
    def __init__(self, c_in, c_out, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(c_out, eps=0.001)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class TorchInception(nn.Module):
    def __init__(self, c_in, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.branch1 = TorchBasicConv2d(c_in, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(
            TorchBasicConv2d(c_in, ch3x3red, kernel_size=1),
            TorchBasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1),
        )
        self.branch3 = nn.Sequential(
            TorchBasicConv2d(c_in, ch5x5red, kernel_size=1),
            TorchBasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1),
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True),
            TorchBasicConv2d(c_in, pool_proj, kernel_size=1),
        )

    def forward(self, x):
        branches = (self.branch1, self.branch2, self.branch3, self.branch4)
        return torch.cat([b(x) for b in branches], 1)


class TorchBottleneck(nn.Module):
    def __init__(self, c_in, width, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, 4 * width, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(4 * width)
        self.downsample = None
        if stride != 1 or c_in != 4 * width:
            self.downsample = nn.Sequential(
                nn.Conv2d(c_in, 4 * width, 1, stride, bias=False), nn.BatchNorm2d(4 * width)
            )

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = torch.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return torch.relu(out + (self.downsample(x) if self.downsample is not None else x))


class TorchDenseLayer(nn.Module):
    def __init__(self, c_in, growth, bn_size):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(c_in)
        self.conv1 = nn.Conv2d(c_in, bn_size * growth, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth)
        self.conv2 = nn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False)

    def forward(self, x):
        new = self.conv1(torch.relu(self.norm1(x)))
        new = self.conv2(torch.relu(self.norm2(new)))
        return torch.cat([x, new], 1)


def torch_conv_bn_relu6(c_in, c_out, kernel, stride=1, groups=1):
    conv = nn.Conv2d(c_in, c_out, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False)
    return nn.Sequential(conv, nn.BatchNorm2d(c_out), nn.ReLU6())


class TorchInvertedResidual(nn.Module):
    def __init__(self, c_in, c_out, stride, t):
        super().__init__()
        hidden = int(round(c_in * t))
        self.use_res_connect = stride == 1 and c_in == c_out
        layers = [torch_conv_bn_relu6(c_in, hidden, 1)] if t != 1 else []
        layers += [
            torch_conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden),
            nn.Conv2d(hidden, c_out, 1, bias=False),
            nn.BatchNorm2d(c_out),
        ]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


def torch_googlenet(num_classes=1000):
    from collections import OrderedDict

    pool = dict(stride=2, ceil_mode=True)
    return nn.Sequential(
        OrderedDict(
            conv1=TorchBasicConv2d(3, 64, kernel_size=7, stride=2, padding=3),
            maxpool1=nn.MaxPool2d(3, **pool),
            conv2=TorchBasicConv2d(64, 64, kernel_size=1),
            conv3=TorchBasicConv2d(64, 192, kernel_size=3, padding=1),
            maxpool2=nn.MaxPool2d(3, **pool),
            inception3a=TorchInception(192, 64, 96, 128, 16, 32, 32),
            inception3b=TorchInception(256, 128, 128, 192, 32, 96, 64),
            maxpool3=nn.MaxPool2d(3, **pool),
            inception4a=TorchInception(480, 192, 96, 208, 16, 48, 64),
            inception4b=TorchInception(512, 160, 112, 224, 24, 64, 64),
            inception4c=TorchInception(512, 128, 128, 256, 24, 64, 64),
            inception4d=TorchInception(512, 112, 144, 288, 32, 64, 64),
            inception4e=TorchInception(528, 256, 160, 320, 32, 128, 128),
            maxpool4=nn.MaxPool2d(2, **pool),
            inception5a=TorchInception(832, 256, 160, 320, 32, 128, 128),
            inception5b=TorchInception(832, 384, 192, 384, 48, 128, 128),
            avgpool=nn.AdaptiveAvgPool2d(1),
            flatten=nn.Flatten(),
            dropout=nn.Dropout(0.2),
            fc=nn.Linear(1024, num_classes),
        )
    )


def torch_resnet50(num_classes=1000):
    from collections import OrderedDict

    def stage(c_in, width, blocks, stride):
        rest = [TorchBottleneck(4 * width, width) for _ in range(blocks - 1)]
        return nn.Sequential(TorchBottleneck(c_in, width, stride), *rest)

    return nn.Sequential(
        OrderedDict(
            conv1=nn.Conv2d(3, 64, 7, 2, 3, bias=False),
            bn1=nn.BatchNorm2d(64),
            relu=nn.ReLU(),
            maxpool=nn.MaxPool2d(3, 2, 1),
            layer1=stage(64, 64, 3, 1),
            layer2=stage(256, 128, 4, 2),
            layer3=stage(512, 256, 6, 2),
            layer4=stage(1024, 512, 3, 2),
            avgpool=nn.AdaptiveAvgPool2d(1),
            flatten=nn.Flatten(),
            fc=nn.Linear(2048, num_classes),
        )
    )


def torch_densenet121(num_classes=1000):
    from collections import OrderedDict

    features, c = OrderedDict(), 64
    features["conv0"] = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
    features["norm0"] = nn.BatchNorm2d(64)
    features["relu0"] = nn.ReLU()
    features["pool0"] = nn.MaxPool2d(3, 2, 1)
    for i, n in enumerate((6, 12, 24, 16), start=1):
        block = OrderedDict(
            (f"denselayer{j + 1}", TorchDenseLayer(c + j * 32, 32, 4)) for j in range(n)
        )
        features[f"denseblock{i}"] = nn.Sequential(block)
        c += n * 32
        if i < 4:
            features[f"transition{i}"] = nn.Sequential(
                OrderedDict(
                    norm=nn.BatchNorm2d(c),
                    relu=nn.ReLU(),
                    conv=nn.Conv2d(c, c // 2, 1, bias=False),
                    pool=nn.AvgPool2d(2, 2),
                )
            )
            c //= 2
    features["norm5"] = nn.BatchNorm2d(c)
    return nn.Sequential(
        OrderedDict(
            features=nn.Sequential(features),
            relu=nn.ReLU(),
            avgpool=nn.AdaptiveAvgPool2d(1),
            flatten=nn.Flatten(),
            classifier=nn.Linear(c, num_classes),
        )
    )


def torch_mobilenet_v2(num_classes=1000):
    from collections import OrderedDict

    settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1)]
    settings += [(6, 160, 3, 2), (6, 320, 1, 1)]
    layers, c_in = [torch_conv_bn_relu6(3, 32, 3, 2)], 32
    for t, c, n, s in settings:
        for i in range(n):
            layers.append(TorchInvertedResidual(c_in, c, s if i == 0 else 1, t))
            c_in = c
    layers.append(torch_conv_bn_relu6(c_in, 1280, 1))
    return nn.Sequential(
        OrderedDict(
            features=nn.Sequential(*layers),
            avgpool=nn.AdaptiveAvgPool2d(1),
            flatten=nn.Flatten(),
            classifier=nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, num_classes)),
        )
    )


TORCH_NETWORKS = [
    (S.googlenet, torch_googlenet),
    (S.resnet50, torch_resnet50),
    (S.densenet121, torch_densenet121),
    (S.mobilenet_v2, torch_mobilenet_v2),
]


@pytest.mark.parametrize("build,torch_build", TORCH_NETWORKS, ids=[b.__name__ for b, _ in MODERN])
def test_parameter_names_and_shapes_are_torchvisions(build, torch_build):
    ref = torch_build()
    expected = {k: tuple(v.shape) for k, v in ref.named_parameters()}
    assert build().param_shapes() == expected
    assert sum(v.numel() for v in ref.parameters()) == dict(MODERN)[build]


def randomize_norms(layer, rng):
    """Non-trivial batch-norm affine parameters (the 1-D parameters of these blocks)."""
    for p in layer.params().values():
        if p.ndim == 1:
            p[...] = rng.uniform(0.5, 1.5, p.shape)


def assert_forward_backward_match(layer, ref, x, rng):
    """Output, dx and every parameter gradient of ``layer`` equal those of the torch module
    ``ref`` (same weights, float64) for input x and a random upstream gradient."""
    out = layer.forward(x)
    assert out.shape == layer.output_shape(x.shape)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    tx = torch.tensor(x, requires_grad=True)
    tout = ref(tx)
    tout.backward(torch.from_numpy(dout))
    assert_close(out, tout, np.float64)
    assert_close(dx, tx.grad, np.float64, "dx")
    ref_grads = {k: p.grad.numpy() for k, p in ref.named_parameters()}
    assert set(ref_grads) == set(layer.grads())
    for name, grad in layer.grads().items():
        assert_close(grad, ref_grads[name], np.float64, name)


def check_block_against_torch(block, ref, x, training, rng):
    """Forward, dx and every parameter gradient of ``block`` against the torch module ``ref``
    with the same weights, float64; in eval mode both use running statistics updated by one
    training pass on another batch first."""
    randomize_norms(block, rng)
    ref = ref.double()
    ref.load_state_dict(
        {k: torch.from_numpy(v.copy()) for k, v in block.params().items()}, strict=False
    )
    assert set(dict(ref.named_parameters())) == set(block.params())
    if not training:
        warm = rng.standard_normal(x.shape)
        block.train(True).forward(warm)
        ref.train(True)(torch.from_numpy(warm))
    block.train(training)
    ref.train(training)
    assert_forward_backward_match(block, ref, x, rng)


@pytest.mark.parametrize("training", [True, False])
def test_inception_matches_torch(training):
    rng = np.random.default_rng(0)
    spec = (4, 2, 3, 4, 2, 3, 2)
    block = S.Inception(*spec).initialize(seed=1)
    assert block.output_shape((2, 4, 6, 5)) == (2, 2 + 4 + 3 + 2, 6, 5)
    check_block_against_torch(
        block, TorchInception(*spec), rng.standard_normal((2, 4, 6, 5)), training, rng
    )


@pytest.mark.parametrize("c_in,width,stride", [(8, 2, 1), (4, 2, 1), (4, 3, 2)])
@pytest.mark.parametrize("training", [True, False])
def test_bottleneck_matches_torch(c_in, width, stride, training):
    rng = np.random.default_rng(0)
    block = S.Bottleneck(c_in, width, stride).initialize(seed=1)
    assert (block.downsample is None) == (stride == 1 and c_in == 4 * width)
    x = rng.standard_normal((3, c_in, 7, 6))
    check_block_against_torch(block, TorchBottleneck(c_in, width, stride), x, training, rng)


@pytest.mark.parametrize("training", [True, False])
def test_dense_layer_matches_torch(training):
    rng = np.random.default_rng(0)
    block = S.DenseLayer(5, growth_rate=3, bn_size=2).initialize(seed=1)
    x = rng.standard_normal((2, 5, 5, 4))
    check_block_against_torch(block, TorchDenseLayer(5, 3, 2), x, training, rng)


@pytest.mark.parametrize("c_in,c_out,stride,t", [(4, 3, 1, 1), (4, 4, 1, 6), (3, 5, 2, 6)])
@pytest.mark.parametrize("training", [True, False])
def test_inverted_residual_matches_torch(c_in, c_out, stride, t, training):
    rng = np.random.default_rng(0)
    block = S.InvertedResidual(c_in, c_out, stride, t).initialize(seed=1)
    x = 3 * rng.standard_normal((2, c_in, 7, 6))  # spread over ReLU6's both kinks
    ref = TorchInvertedResidual(c_in, c_out, stride, t)
    check_block_against_torch(block, ref, x, training, rng)


def test_relu6_matches_torch():
    rng = np.random.default_rng(0)
    x = 4 * rng.standard_normal((3, 4, 5))
    dout = rng.standard_normal(x.shape)
    layer = S.ReLU6()
    tx = torch.tensor(x, requires_grad=True)
    tout = nn.functional.relu6(tx)
    tout.backward(torch.from_numpy(dout))
    assert_close(layer.forward(x), tout, np.float64)
    assert_close(layer.backward(dout), tx.grad, np.float64, "dx")
    assert layer.forward(x.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize(
    "size,kernel,stride,padding",
    [((112, 112), 3, 2, 0), ((55, 56), 3, 2, 0), ((14, 13), 2, 2, 0), ((7, 8), 3, 2, 1)],
)
def test_ceil_mode_max_pool_matches_torch(size, kernel, stride, padding):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, *size))
    layer = S.CeilMaxPool2d(kernel, stride, padding)
    tx = torch.tensor(x, requires_grad=True)
    tout = nn.functional.max_pool2d(tx, kernel, stride, padding, ceil_mode=True)
    dout = rng.standard_normal(tuple(tout.shape))
    tout.backward(torch.from_numpy(dout))
    assert layer.output_shape(x.shape) == tuple(tout.shape)
    assert_close(layer.forward(x), tout, np.float64)
    assert_close(layer.backward(dout), tx.grad, np.float64, "dx")


def test_new_blocks_validate_arguments():
    with pytest.raises(ValueError, match="stride"):
        S.InvertedResidual(4, 4, stride=3)
    with pytest.raises(ValueError, match="width"):
        S.Bottleneck(4, 0)
    with pytest.raises(ValueError, match="projection"):
        S.Bottleneck(4, 2, stride=2, projection=False)
    with pytest.raises(ValueError, match="growth_rate"):
        S.DenseLayer(4, growth_rate=0)
    with pytest.raises(ValueError, match="pool_proj"):
        S.Inception(4, 2, 3, 4, 2, 3, 0)
    with pytest.raises(ValueError, match="branches"):
        S.Concat()
    with pytest.raises(ValueError, match="N, H, W must agree"):
        S.Concat(S.Conv2d(2, 2, 3), S.Conv2d(2, 2, 1)).output_shape((1, 2, 5, 5))


def test_new_layers_reprs():
    assert repr(S.ReLU6()) == "ReLU6()"
    assert repr(S.Concat(S.ReLU(), S.ReLU())) == "Concat(0, 1)"
    assert repr(S.DenseLayer(5, 3, 2)) == "DenseLayer(5, growth_rate=3, bn_size=2)"


def torch_nin(num_classes=10, in_channels=1):
    def block(c_in, c_out, k, s, p):
        return nn.Sequential(
            nn.Conv2d(c_in, c_out, k, s, p),
            nn.ReLU(),
            nn.Conv2d(c_out, c_out, 1),
            nn.ReLU(),
            nn.Conv2d(c_out, c_out, 1),
            nn.ReLU(),
        )

    return nn.Sequential(
        block(in_channels, 96, 11, 4, 0),
        nn.MaxPool2d(3, 2),
        block(96, 256, 5, 1, 2),
        nn.MaxPool2d(3, 2),
        block(256, 384, 3, 1, 1),
        nn.MaxPool2d(3, 2),
        nn.Dropout(0.5),
        block(384, num_classes, 3, 1, 1),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
    )


@pytest.mark.parametrize(
    "build,torch_build,shape",
    [(S.nin, torch_nin, (2, 1, 95, 95))] + [(b, t, (1, 3, 32, 32)) for b, t in TORCH_NETWORKS],
    ids=["nin"] + [b.__name__ for b, _ in MODERN],
)
def test_whole_network_on_a_small_input_matches_torch(build, torch_build, shape):
    """The whole network, eval mode (dropout off, running statistics), float64: logits, dx and
    every parameter gradient against the torch network with the same weights."""
    rng = np.random.default_rng(0)
    model = build(num_classes=10).initialize(seed=3).eval()
    randomize_norms(model, rng)
    ref = torch_build(num_classes=10).double().eval()
    ref.load_state_dict(
        {k: torch.from_numpy(v.copy()) for k, v in model.params().items()}, strict=False
    )
    assert model.output_shape(shape) == (shape[0], 10)
    assert_forward_backward_match(model, ref, rng.standard_normal(shape), rng)


@pytest.mark.parametrize(
    "layer,shape",
    [
        (S.ReLU6(), (2, 3, 4, 4)),
        (S.CeilMaxPool2d(3, 2), (2, 3, 6, 6)),
        (S.Inception(3, 2, 2, 3, 1, 2, 2), (2, 3, 5, 5)),
        (S.Bottleneck(3, 2, stride=2), (2, 3, 5, 5)),
        (S.DenseLayer(3, growth_rate=2, bn_size=2), (2, 3, 4, 4)),
        (S.InvertedResidual(4, 4, expand_ratio=6), (2, 4, 4, 4)),
    ],
    ids=["relu6", "ceil_max_pool", "inception", "bottleneck", "dense_layer", "inverted_residual"],
)
def test_new_layers_keep_float32(layer, shape):
    layer.initialize(seed=0, dtype=np.float32)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    out = layer.forward(x)
    assert out.dtype == np.float32 and out.shape == layer.output_shape(shape)
    dx = layer.backward(np.ones_like(out))
    assert dx.dtype == np.float32 and dx.shape == shape
    assert all(g.dtype == np.float32 for g in layer.grads().values())


# --- the exercise's functional forms against torch's autograd ---------------------------------

F = torch.nn.functional


def torch_bottleneck(tx, tp, stride):
    h = torch.relu(F.conv2d(tx, tp["conv1.weight"], tp["conv1.bias"]))
    h = torch.relu(F.conv2d(h, tp["conv2.weight"], tp["conv2.bias"], stride=stride, padding=1))
    h = F.conv2d(h, tp["conv3.weight"], tp["conv3.bias"])
    if "shortcut.weight" in tp:
        return torch.relu(
            h + F.conv2d(tx, tp["shortcut.weight"], tp["shortcut.bias"], stride=stride)
        )
    return torch.relu(h + tx)


@pytest.mark.parametrize("c_in,c_out,stride", [(3, 3, 1), (3, 5, 2), (2, 4, 1)])
def test_residual_block_backward_equals_torch_autograd(c_in, c_out, stride):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, c_in, 6, 5))
    w1, w2 = rng.standard_normal((c_out, c_in, 3, 3)), rng.standard_normal((c_out, c_out, 3, 3))
    ws = None if (c_in, stride) == (c_out, 1) else rng.standard_normal((c_out, c_in, 1, 1))
    tx, tw1, tw2 = t64(x), t64(w1), t64(w2)
    tws = None if ws is None else t64(ws)
    main = F.conv2d(torch.relu(F.conv2d(tx, tw1, stride=stride, padding=1)), tw2, padding=1)
    out = torch.relu(main + (tx if tws is None else F.conv2d(tx, tws, stride=stride)))
    dout = rng.standard_normal(out.shape)
    out.backward(torch.from_numpy(dout))
    dx, dw1, dw2, dws = S.residual_block_backward(dout, x, w1, w2, ws, stride)
    for ours, ref, name in ((dx, tx, "dx"), (dw1, tw1, "dw1"), (dw2, tw2, "dw2")):
        assert_close(ours, ref.grad, np.float64, name)
    if ws is None:
        assert dws is None
    else:
        assert_close(dws, tws.grad, np.float64, "dw_shortcut")


@pytest.mark.parametrize("c_in,width,c_out,stride", [(8, 2, 8, 1), (3, 2, 8, 2), (4, 3, 6, 1)])
def test_bottleneck_block_and_backward_equal_torch_autograd(c_in, width, c_out, stride):
    rng = np.random.default_rng(4)
    shapes = {
        "conv1.weight": (width, c_in, 1, 1),
        "conv1.bias": (width,),
        "conv2.weight": (width, width, 3, 3),
        "conv2.bias": (width,),
        "conv3.weight": (c_out, width, 1, 1),
        "conv3.bias": (c_out,),
    }
    if (c_in, stride) != (c_out, 1):
        shapes.update({"shortcut.weight": (c_out, c_in, 1, 1), "shortcut.bias": (c_out,)})
    params = {k: rng.standard_normal(s) for k, s in shapes.items()}
    x = rng.standard_normal((2, c_in, 7, 6))
    tx, tp = t64(x), {k: t64(v) for k, v in params.items()}
    out = torch_bottleneck(tx, tp, stride)
    assert_close(S.bottleneck_block(x, params, stride), out, np.float64, "forward")
    dout = rng.standard_normal(out.shape)
    out.backward(torch.from_numpy(dout))
    dx, grads = S.bottleneck_block_backward(dout, x, params, stride)
    assert_close(dx, tx.grad, np.float64, "dx")
    assert list(grads) == list(params)
    for name, grad in grads.items():
        assert_close(grad, tp[name].grad, np.float64, name)


def conv_rows_of(model, shape):
    """(c_in, c_out, kernel, stride, output size) of every Conv2d of a solutions ResNet, walked
    with the layers' own output shapes (main path, then the projection, as torchvision)."""
    rows = []

    def walk(layer, shape):
        if isinstance(layer, S.Conv2d):
            out = layer.output_shape(shape)
            rows.append(
                (
                    layer.in_channels,
                    layer.out_channels,
                    layer.kernel_size[0],
                    layer.stride,
                    out[2],
                )
            )
            return out
        if isinstance(layer, (S.ResidualBlock, S.Bottleneck)):
            h = shape
            for name, child in layer.children():
                if name.startswith("conv"):
                    h = walk(child, h)
            if layer.downsample is not None:
                walk(layer.downsample, shape)
            return layer.output_shape(shape)
        if isinstance(layer, S.Sequential):
            for _, child in layer.layers:
                shape = walk(child, shape)
            return shape
        return layer.output_shape(shape)

    walk(model, shape)
    return rows


@pytest.mark.parametrize(
    "build,blocks,bottleneck", [(S.resnet18, [2, 2, 2, 2], False), (S.resnet50, [3, 4, 6, 3], True)]
)
def test_resnet_convs_are_the_constructors_convolutions(build, blocks, bottleneck):
    convs = S.resnet_convs(blocks, bottleneck)
    assert convs == conv_rows_of(build(), (1, 3, 224, 224))
    # each conv has a batch norm (2 per channel); the classifier reads the last conv's maps
    fc_in = convs[-1][1]
    count = sum(co * ci * k * k + 2 * co for ci, co, k, _, _ in convs) + fc_in * 1000 + 1000
    assert count == S.count_parameters(build())


def test_conv_multiply_adds_by_hand_and_for_resnet():
    # AlexNet's first layer: 55 * 55 positions, 64 maps, 3 * 11 * 11 terms each
    assert S.conv_multiply_adds([(3, 64, 11, 4, 55)]) == 70_276_800
    assert S.conv_multiply_adds([(3, 64, 11, 4, 55), (2, 3, 1, 1, 4)]) == 70_276_800 + 96
    # torchvision's figures: 1.81 and 4.09 billion multiply-adds with the classifier
    assert S.conv_multiply_adds(S.resnet_convs([2, 2, 2, 2], False)) + 512 * 1000 == 1_814_073_344
    assert S.conv_multiply_adds(S.resnet_convs([3, 4, 6, 3], True)) + 2048 * 1000 == 4_089_184_256


def test_digits_net_loss_and_grads_equal_torch_autograd():
    rng = np.random.default_rng(5)
    c = 3
    shapes = {
        "stem.weight": (c, 1, 3, 3),
        "stem.bias": (c,),
        "block.w1": (c, c, 3, 3),
        "block.w2": (c, c, 3, 3),
        "fc.weight": (10, c * 64),
        "fc.bias": (10,),
    }
    params = {k: rng.standard_normal(s) * 0.5 for k, s in shapes.items()}
    x, y = rng.standard_normal((4, 1, 8, 8)), rng.integers(0, 10, 4)
    tp, tx = {k: t64(v) for k, v in params.items()}, torch.from_numpy(x)
    h = torch.relu(F.conv2d(tx, tp["stem.weight"], tp["stem.bias"], padding=1))
    main = F.conv2d(torch.relu(F.conv2d(h, tp["block.w1"], padding=1)), tp["block.w2"], padding=1)
    logits = F.linear(torch.relu(main + h).flatten(1), tp["fc.weight"], tp["fc.bias"])
    ref = F.cross_entropy(logits, torch.from_numpy(y))
    ref.backward()
    assert_close(S.digits_net_forward(params, x), logits, np.float64, "logits")
    loss, grads = S.digits_net_loss_and_grads(params, x, y)
    assert loss == pytest.approx(ref.item(), abs=1e-12)
    assert list(grads) == list(params)
    for name, grad in grads.items():
        assert_close(grad, tp[name].grad, np.float64, name)
