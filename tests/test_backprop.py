"""Chapter 8: conv2d_backward against autograd and numerical gradients; gradient checking."""

import numpy as np
import pytest
import torch.nn.functional as F
from hypothesis import given

from solutions import conv2d, conv2d_backward, gradient_check, numerical_gradient, relative_error
from tests.oracle import assert_close, random, torch_forward_backward
from tests.strategies import conv_configs


@given(conv_configs())
def test_conv2d_backward_matches_autograd(cfg):
    rng = np.random.default_rng(cfg["seed"])
    dtype = cfg["dtype"]
    x, w = random(rng, cfg["x_shape"], dtype), random(rng, cfg["w_shape"], dtype)
    b = random(rng, (cfg["w_shape"][0],), dtype)
    kwargs = {k: cfg[k] for k in ("stride", "padding", "dilation", "groups")}
    out = conv2d(x, w, b, **kwargs)
    dout = random(rng, out.shape, dtype)
    dx, dw, db = conv2d_backward(dout, x, w, **kwargs)
    _, (rx, rw, rb) = torch_forward_backward(
        lambda x, w, b: F.conv2d(x, w, b, **kwargs), [x, w, b], dout
    )
    assert_close(dx, rx, dtype, "dx")
    assert_close(dw, rw, dtype, "dw")
    assert_close(db, rb, dtype, "db")


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(stride=2, padding=1),
        dict(stride=(1, 2), padding=(2, 0), dilation=2),
        dict(groups=2, padding="same"),
        dict(groups=4, stride=2, padding=1),  # depthwise
    ],
)
def test_conv2d_backward_matches_numerical_gradient(kwargs):
    rng = np.random.default_rng(3)
    groups = kwargs.get("groups", 1)
    x = rng.standard_normal((2, 4, 6, 5))
    w = rng.standard_normal((4, 4 // groups, 3, 3))
    b = rng.standard_normal(4)
    dout = rng.standard_normal(conv2d(x, w, b, **kwargs).shape)
    dx, dw, db = conv2d_backward(dout, x, w, **kwargs)
    assert gradient_check(lambda v: conv2d(v, w, b, **kwargs), x, dx, dout) < 1e-7
    assert gradient_check(lambda v: conv2d(x, v, b, **kwargs), w, dw, dout) < 1e-7
    assert gradient_check(lambda v: conv2d(x, w, v, **kwargs), b, db, dout) < 1e-7


def test_numerical_gradient_of_known_functions():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    # d/dx sum(x^2 * dout) = 2 x dout
    dout = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(numerical_gradient(lambda v: v**2, x, dout), 2 * x * dout, rtol=1e-8)
    # scalar function: d/dx sum(sin x) = cos x, and x is restored afterwards
    before = x.copy()
    np.testing.assert_allclose(
        numerical_gradient(lambda v: np.sin(v).sum(), x), np.cos(x), rtol=1e-8
    )
    np.testing.assert_array_equal(x, before)


def test_gradient_check_tells_right_from_wrong():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    f = np.tanh
    right = 1 - np.tanh(x) ** 2
    wrong = np.tanh(x)  # the classic slip: multiply by the activation, not its derivative
    assert gradient_check(f, x, right) < 1e-7
    assert gradient_check(f, x, wrong) > 1e-2


def test_relative_error_definition():
    # |1 - 1.1| / (1 + 1.1) = 0.047619...
    assert relative_error(np.array([1.0]), np.array([1.1])) == pytest.approx(0.1 / 2.1)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(3), np.zeros(4))
