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


def assert_layer_gradients(layer, x, dout):
    """A layer's dx and every parameter gradient against the numerical gradient."""
    layer.forward(x)
    dx = layer.backward(dout)
    grads = {name: g.copy() for name, g in layer.grads().items()}
    assert S.gradient_check(layer.forward, x, dx, dout) < 1e-7, "dx"
    for name, param in layer.params().items():
        assert S.gradient_check(lambda _: layer.forward(x), param, grads[name], dout) < 1e-7, name


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
