"""Chapter 8: conv2d_backward against autograd and numerical gradients; gradient checking."""

import numpy as np
import pytest
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from solutions import (
    conv2d,
    conv2d_backward,
    conv_transpose2d,
    conv_transpose2d_backward,
    gradient_check,
    numerical_gradient,
    relative_error,
)
from tests.oracle import DTYPES, assert_close, random, torch_forward_backward
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
    # the first layer's form: the same parameter gradients, no dx
    no_dx, dw, db = conv2d_backward(dout, x, w, **kwargs, input_grad=False)
    assert no_dx is None
    assert_close(dw, rw, dtype, "dw without dx")
    assert_close(db, rb, dtype, "db without dx")


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


# --- transposed convolution ---------------------------------------------------------------------


@st.composite
def transpose_configs(draw):
    """A random valid conv_transpose2d call (PyTorch's rule: output_padding < stride or dilation)."""
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    output_padding = tuple(
        draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)
    )
    h, w = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    # padding may remove at most what the output has beyond one row/column
    padding = tuple(
        draw(st.integers(0, max(0, ((n - 1) * s + d * (k - 1) + op) // 2)))
        for n, s, d, k, op in zip((h, w), stride, dilation, (kh, kw), output_padding, strict=True)
    )
    return {
        "x_shape": (draw(st.integers(1, 3)), c_in, h, w),
        "w_shape": (c_in, c_out // groups, kh, kw),
        "stride": stride,
        "padding": padding,
        "output_padding": output_padding,
        "groups": groups,
        "dilation": dilation,
        "dtype": draw(st.sampled_from(DTYPES)),
        "bias": draw(st.booleans()),
        "seed": draw(st.integers(0, 2**31)),
    }


def _transpose_kwargs(cfg):
    return {k: cfg[k] for k in ("stride", "padding", "output_padding", "groups", "dilation")}


@given(transpose_configs())
def test_conv_transpose2d_matches_torch(cfg):
    rng = np.random.default_rng(cfg["seed"])
    dtype = cfg["dtype"]
    x, w = random(rng, cfg["x_shape"], dtype), random(rng, cfg["w_shape"], dtype)
    b = random(rng, (cfg["w_shape"][1] * cfg["groups"],), dtype) if cfg["bias"] else None
    kwargs = _transpose_kwargs(cfg)
    out = conv_transpose2d(x, w, b, **kwargs)
    inputs = [x, w] + ([b] if b is not None else [])
    ref, _ = torch_forward_backward(lambda *t: F.conv_transpose2d(*t, **kwargs), inputs)
    assert_close(out, ref, dtype, "conv_transpose2d")


@given(transpose_configs())
def test_conv_transpose2d_backward_matches_autograd(cfg):
    rng = np.random.default_rng(cfg["seed"])
    dtype = cfg["dtype"]
    x, w = random(rng, cfg["x_shape"], dtype), random(rng, cfg["w_shape"], dtype)
    b = random(rng, (cfg["w_shape"][1] * cfg["groups"],), dtype)
    kwargs = _transpose_kwargs(cfg)
    dout = random(rng, conv_transpose2d(x, w, b, **kwargs).shape, dtype)
    dx, dw, db = conv_transpose2d_backward(dout, x, w, **kwargs)
    _, (rx, rw, rb) = torch_forward_backward(
        lambda *t: F.conv_transpose2d(*t, **kwargs), [x, w, b], dout
    )
    assert_close(dx, rx, dtype, "dx")
    assert_close(dw, rw, dtype, "dw")
    assert_close(db, rb, dtype, "db")


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(stride=2, padding=1, output_padding=1),
        dict(stride=(1, 2), padding=(0, 1), dilation=2),
        dict(stride=1, dilation=3, output_padding=2),  # output_padding >= stride, < dilation
        dict(groups=2, stride=2),
        dict(groups=4, stride=3, padding=1, output_padding=2),  # depthwise
    ],
)
def test_conv_transpose2d_backward_matches_numerical_gradient(kwargs):
    rng = np.random.default_rng(5)
    groups = kwargs.get("groups", 1)
    x = rng.standard_normal((2, 4, 4, 3))
    w = rng.standard_normal((4, 8 // groups, 3, 2))
    b = rng.standard_normal(8)
    dout = rng.standard_normal(conv_transpose2d(x, w, b, **kwargs).shape)
    dx, dw, db = conv_transpose2d_backward(dout, x, w, **kwargs)
    assert gradient_check(lambda v: conv_transpose2d(v, w, b, **kwargs), x, dx, dout) < 1e-7
    assert gradient_check(lambda v: conv_transpose2d(x, v, b, **kwargs), w, dw, dout) < 1e-7
    assert gradient_check(lambda v: conv_transpose2d(x, w, v, **kwargs), b, db, dout) < 1e-7


def test_conv_transpose2d_is_the_adjoint_of_conv2d():
    # <conv2d(z, w), x> = <z, conv_transpose2d(x, w)> for every z and x of matching shapes
    rng = np.random.default_rng(1)
    w = rng.standard_normal((3, 2, 3, 3))
    x = rng.standard_normal((2, 3, 4, 5))
    y = conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)
    assert y.shape == (2, 2, 8, 10)  # (4 - 1) * 2 - 2 + 2 + 1 + 1 = 8
    z = rng.standard_normal(y.shape)
    lhs = np.sum(conv2d(z, w, stride=2, padding=1) * x)
    assert lhs == pytest.approx(np.sum(z * y), rel=1e-12)


def test_conv_transpose2d_keeps_the_dtype():
    rng = np.random.default_rng(2)
    for dtype in DTYPES:
        x, w = random(rng, (1, 2, 3, 3), dtype), random(rng, (2, 1, 3, 3), dtype)
        out = conv_transpose2d(x, w, random(rng, (1,), dtype), stride=2)
        assert out.dtype == dtype
        grads = conv_transpose2d_backward(random(rng, out.shape, dtype), x, w, stride=2)
        assert all(g.dtype == dtype for g in grads)


X_T = np.zeros((2, 4, 5, 5))
W_T = np.zeros((4, 3, 3, 3))


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: conv_transpose2d(np.zeros((4, 5, 5)), W_T), ["x", "4-D", "(4, 5, 5)"]),
        (lambda: conv_transpose2d(X_T, np.zeros((4, 3, 3))), ["w", "4-D"]),
        (
            lambda: conv_transpose2d(X_T, np.zeros((3, 3, 3, 3))),
            ["channel mismatch", "(3, 3, 3, 3)"],
        ),
        (lambda: conv_transpose2d(X_T, W_T, groups=3), ["groups=3", "divide"]),
        (lambda: conv_transpose2d(X_T, W_T, groups=0), ["groups", ">= 1"]),
        (lambda: conv_transpose2d(X_T, W_T, stride=0), ["stride", ">= 1"]),
        (lambda: conv_transpose2d(X_T, W_T, stride=1.5), ["stride", "integer"]),
        (lambda: conv_transpose2d(X_T, W_T, padding=-1), ["padding", ">= 0"]),
        (lambda: conv_transpose2d(X_T, W_T, padding="same"), ["padding", "int"]),
        (lambda: conv_transpose2d(X_T, W_T, dilation=float("nan")), ["dilation", "finite"]),
        (lambda: conv_transpose2d(X_T, W_T, output_padding=-1), ["output_padding", ">= 0"]),
        (
            lambda: conv_transpose2d(X_T, W_T, stride=2, output_padding=2),
            ["output_padding", "stride", "dilation"],
        ),
        (lambda: conv_transpose2d(X_T, W_T, padding=7), ["output size", "< 1"]),
        (lambda: conv_transpose2d(X_T, W_T, np.zeros(4)), ["b", "(3,)"]),
        (lambda: conv_transpose2d(X_T.astype(complex), W_T), ["x", "complex"]),
        (
            lambda: conv_transpose2d_backward(np.zeros((2, 3, 6, 6)), X_T, W_T),
            ["dout", "(2, 3, 7, 7)", "(2, 3, 6, 6)"],
        ),
        (lambda: conv_transpose2d_backward(np.zeros((2, 3, 7)), X_T, W_T), ["dout", "4-D"]),
    ],
)
def test_conv_transpose2d_bad_input(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{word!r} not in {info.value}"
