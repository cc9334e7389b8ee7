"""Every backward in the library against the numerical gradient (float64, central differences).

A second oracle beside PyTorch's autograd: it needs nothing but the forward function.
"""

import numpy as np
import pytest

import solutions as S

RNG_SEED = 7


def away_from_kinks(shape, rng):
    """Random values at least 0.05 away from 0, so ReLU-like kinks are not straddled by eps."""
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < 0.05, 0.05 * np.sign(x + 1e-12), x)


def cases():
    """(name, forward of one array, analytic gradient given (dout, point), point shape)."""
    pool = dict(kernel_size=3, stride=2, padding=1)
    alpha = np.array([0.1, 0.2, 0.3])
    return [
        ("relu", S.relu, S.relu_backward, (2, 3, 4)),
        (
            "leaky_relu",
            lambda x: S.leaky_relu(x, 0.1),
            lambda d, x: S.leaky_relu_backward(d, x, 0.1),
            (2, 3, 4),
        ),
        (
            "prelu dx",
            lambda x: S.prelu(x, alpha),
            lambda d, x: S.prelu_backward(d, x, alpha)[0],
            (2, 3, 4),
        ),
        ("elu", lambda x: S.elu(x, 0.7), lambda d, x: S.elu_backward(d, x, 0.7), (2, 3, 4)),
        ("sigmoid", S.sigmoid, S.sigmoid_backward, (2, 3, 4)),
        ("tanh", S.tanh, S.tanh_backward, (2, 3, 4)),
        ("maxout", lambda x: S.maxout(x, 2), lambda d, x: S.maxout_backward(d, x, 2), (2, 4, 3)),
        ("softmax", lambda x: S.softmax(x, 1), lambda d, x: S.softmax_backward(d, x, 1), (3, 5)),
        ("log_softmax", S.log_softmax, S.log_softmax_backward, (3, 5)),
        (
            "max_pool2d",
            lambda x: S.max_pool2d(x, **pool),
            lambda d, x: S.max_pool2d_backward(d, x, **pool),
            (2, 2, 5, 6),
        ),
        (
            "avg_pool2d",
            lambda x: S.avg_pool2d(x, **pool),
            lambda d, x: S.avg_pool2d_backward(d, x, **pool),
            (2, 2, 5, 6),
        ),
        ("flatten", S.flatten, lambda d, x: d.reshape(x.shape), (2, 3, 2)),
    ]


@pytest.mark.parametrize("name,forward,backward,shape", cases(), ids=[c[0] for c in cases()])
def test_backward_matches_numerical_gradient(name, forward, backward, shape):
    rng = np.random.default_rng(RNG_SEED)
    x = away_from_kinks(shape, rng)
    dout = rng.standard_normal(np.shape(forward(x)))
    assert S.gradient_check(forward, x, backward(dout, x), dout) < 1e-7


def test_prelu_alpha_gradient_matches_numerical():
    rng = np.random.default_rng(RNG_SEED)
    x = away_from_kinks((2, 3, 4), rng)
    alpha = np.array([0.1, 0.2, 0.3])
    dout = rng.standard_normal(x.shape)
    dalpha = S.prelu_backward(dout, x, alpha)[1]
    assert S.gradient_check(lambda a: S.prelu(x, a), alpha, dalpha, dout) < 1e-7


def test_linear_gradients_match_numerical():
    rng = np.random.default_rng(RNG_SEED)
    x, w, b = rng.standard_normal((4, 5)), rng.standard_normal((3, 5)), rng.standard_normal(3)
    dout = rng.standard_normal((4, 3))
    dx, dw, db = S.linear_backward(dout, x, w)
    assert S.gradient_check(lambda v: S.linear(v, w, b), x, dx, dout) < 1e-7
    assert S.gradient_check(lambda v: S.linear(x, v, b), w, dw, dout) < 1e-7
    assert S.gradient_check(lambda v: S.linear(x, w, v), b, db, dout) < 1e-7


def test_loss_gradients_match_numerical():
    rng = np.random.default_rng(RNG_SEED)
    logits, y = rng.standard_normal((4, 5)), np.array([0, 4, 2, 2])
    _, dlogits = S.softmax_cross_entropy(logits, y)
    assert S.gradient_check(lambda v: S.softmax_cross_entropy(v, y)[0], logits, dlogits) < 1e-7
    pred, target = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    _, dpred = S.mse_loss(pred, target)
    assert S.gradient_check(lambda v: S.mse_loss(v, target)[0], pred, dpred) < 1e-7


def assert_layer_gradients(layer, x, dout, eps=1e-5):
    """A layer's dx and every parameter gradient against the numerical gradient (central
    differences with step ``eps``)."""
    layer.forward(x)
    dx = layer.backward(dout)
    grads = {name: g.copy() for name, g in layer.grads().items()}
    assert S.gradient_check(layer.forward, x, dx, dout, eps) < 1e-7, "dx"
    for name, param in layer.params().items():
        error = S.gradient_check(lambda _: layer.forward(x), param, grads[name], dout, eps)
        assert error < 1e-7, name


def test_batchnorm_and_residual_block_gradients_match_numerical():
    # in training mode batch norm normalises with the batch's own statistics, so the output
    # depends on x and the parameters only (the running averages it updates are not used)
    rng = np.random.default_rng(RNG_SEED)
    block = S.ResidualBlock(2, 3, stride=2).initialize(seed=0)
    x = rng.standard_normal((2, 2, 5, 5))
    assert_layer_gradients(block, x, rng.standard_normal(block.output_shape(x.shape)))


@pytest.mark.parametrize(
    "layer",
    [
        S.Subsampling(3),
        S.MaskedConv2d(3, 4, 3, np.array([[1, 0, 1], [0, 1, 1], [1, 1, 1], [1, 0, 0]])),
    ],
    ids=["subsampling", "masked_conv"],
)
def test_lenet_classic_layers_match_numerical_gradient(layer):
    rng = np.random.default_rng(RNG_SEED)
    layer.initialize(seed=0)
    for p in layer.params().values():  # non-trivial coefficients, masked weights stay zero
        p *= rng.uniform(0.5, 1.5, p.shape)
    x = rng.standard_normal((2, 3, 6, 6))
    assert_layer_gradients(layer, x, rng.standard_normal(layer.output_shape(x.shape)))


def test_relu6_gradient_matches_numerical():
    rng = np.random.default_rng(RNG_SEED)
    x = 4 * away_from_kinks((2, 3, 4, 5), rng)
    x = np.where(np.abs(x - 6) < 0.05, 6.1, x)  # away from the kink at 6 too
    assert (x > 6).any() and (x < 0).any()
    assert_layer_gradients(S.ReLU6(), x, rng.standard_normal(x.shape))


def test_ceil_mode_max_pool_gradient_matches_numerical():
    rng = np.random.default_rng(RNG_SEED)
    layer = S.CeilMaxPool2d(3, 2)
    x = rng.standard_normal((2, 2, 6, 7))  # ceil mode: windows run past the bottom/right edge
    assert layer.output_shape(x.shape) == (2, 2, 3, 3)
    assert_layer_gradients(layer, x, rng.standard_normal(layer.output_shape(x.shape)))


@pytest.mark.parametrize(
    "layer,shape",
    [
        (S.Inception(3, 2, 2, 3, 1, 2, 2), (2, 3, 4, 4)),
        (S.Concat(S.Conv2d(2, 3, 3, padding=1), S.Sequential(S.MaxPool2d(3, 1, 1))), (2, 2, 4, 5)),
        (S.Bottleneck(4, 2), (2, 4, 4, 4)),
        (S.Bottleneck(3, 2, stride=2), (2, 3, 5, 5)),
        (S.DenseLayer(3, growth_rate=2, bn_size=2), (2, 3, 4, 4)),
        (S.InvertedResidual(3, 2, stride=1, expand_ratio=1), (2, 3, 4, 4)),
        (S.InvertedResidual(2, 2, stride=1, expand_ratio=3), (2, 2, 4, 4)),
        (S.InvertedResidual(2, 3, stride=2, expand_ratio=3), (2, 2, 5, 5)),
    ],
    ids=[
        "inception",
        "concat",
        "bottleneck_identity",
        "bottleneck_projection",
        "dense_layer",
        "inverted_residual_t1",
        "inverted_residual_identity",
        "inverted_residual_stride2",
    ],
)
def test_modern_blocks_match_numerical_gradient(layer, shape):
    # Eval mode: every batch norm is a fixed affine map with non-trivial running statistics.
    # In training mode a batch norm's bias whose channel stays in the linear part of the next
    # activation has an exactly zero gradient (the following batch norm removes constant
    # shifts), and the elementwise relative error turns the ~1e-10 finite-difference noise of
    # such an entry into ~1e-2; the training-mode backward of these blocks is checked against
    # PyTorch in test_architectures.py instead. Step 1e-4, not 1e-5: these blocks have entries
    # ~1e-4 of the largest gradient, where the rounding error of a 1e-5 step (~1e-10) alone
    # makes a relative error above 1e-7 (measured: 4e-7 at 1e-5, 6e-9 at 1e-4 on conv3.weight
    # of the identity bottleneck).
    rng = np.random.default_rng(RNG_SEED)
    layer.initialize(seed=0)
    for p in layer.params().values():  # non-trivial batch-norm affine parameters
        if p.ndim == 1:
            p[...] = rng.uniform(0.5, 1.5, p.shape)
    for bn in [sub for sub in sub_layers(layer) if isinstance(sub, S.BatchNorm2d)]:
        bn.running_mean = rng.uniform(-0.5, 0.5, bn.num_features)
        bn.running_var = rng.uniform(0.5, 2.0, bn.num_features)
    layer.eval()
    # a point whose every pre-activation is at least 1e-3 from a kink (0, and 6 for ReLU6), so
    # no step of the numerical gradient crosses one: the first of a fixed sequence of draws
    for _ in range(50):
        x = 2 * rng.standard_normal(shape)
        layer.forward(x)
        if kink_margin(layer) > 1e-3:
            break
    else:
        pytest.fail("no input away from the activations' kinks in 50 draws")
    assert_layer_gradients(layer, x, rng.standard_normal(layer.output_shape(x.shape)), eps=1e-4)


def sub_layers(layer):
    """``layer`` and every layer inside it (children and layer-valued attributes)."""
    found, todo = [], [layer]
    while todo:
        current = todo.pop()
        if any(current is seen for seen in found):
            continue
        found.append(current)
        todo += [child for _, child in current.children()]
        todo += [v for v in vars(current).values() if isinstance(v, S.Layer)]
    return found


def kink_margin(layer):
    """The smallest distance of a cached ReLU / ReLU6 input from that activation's kinks."""
    margins = [np.inf]
    for sub in sub_layers(layer):
        if isinstance(sub, S.ReLU | S.ReLU6) and sub._cache is not None:
            margins.append(np.abs(sub._cache).min())
            if isinstance(sub, S.ReLU6):
                margins.append(np.abs(sub._cache - 6).min())
    return min(margins)
