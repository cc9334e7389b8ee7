"""Chapter 9: layers, parameter counts, LeNet-5 and the residual block against PyTorch."""

import numpy as np
import pytest
import torch
from torch import nn

import solutions as S
from tests.oracle import assert_close, torch_lenet5


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


def test_lenet_forward_and_one_step_equal_torch_float64():
    rng = np.random.default_rng(0)
    model = S.lenet5().initialize(seed=1, dtype=np.float64)
    ref = torch_lenet5()
    ref.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in model.params().items()})
    x = rng.standard_normal((8, 1, 28, 28))
    y = rng.integers(0, 10, 8)

    logits = model.forward(x)
    loss, dlogits = S.softmax_cross_entropy(logits, y)
    model.backward(dlogits)
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
    params = block.params()
    for name in params:  # non-trivial batch-norm affine parameters
        if "bn" in name or "downsample.1" in name:
            params[name][...] = rng.uniform(0.5, 1.5, params[name].shape)
    ref = TorchBasicBlock(c_in, c_out, stride).double()
    ref.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in params.items()}, strict=False)
    block.train(training)
    ref.train(training)
    x = rng.standard_normal((3, c_in, 7, 6))
    dout = rng.standard_normal(block.output_shape(x.shape))
    out = block.forward(x)
    dx = block.backward(dout)
    tx = torch.tensor(x, requires_grad=True)
    tout = ref(tx)
    tout.backward(torch.from_numpy(dout))
    assert_close(out, tout, np.float64)
    assert_close(dx, tx.grad, np.float64, "dx")
    ref_grads = {k: p.grad.numpy() for k, p in ref.named_parameters()}
    for name, grad in block.grads().items():
        assert_close(grad, ref_grads[name], np.float64, name)
    if training:  # running statistics follow PyTorch's update (unbiased variance)
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
