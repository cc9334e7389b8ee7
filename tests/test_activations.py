"""Chapter 5: every activation and its derivative against PyTorch."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import solutions as S
from tests.oracle import DTYPES, assert_close, random, torch_forward_backward

# name, our forward, our backward, torch forward, extra args
CASES = [
    ("relu", S.relu, S.relu_backward, F.relu, ()),
    ("leaky_relu", S.leaky_relu, S.leaky_relu_backward, lambda t, a: F.leaky_relu(t, a), (0.1,)),
    ("elu", S.elu, S.elu_backward, lambda t, a: F.elu(t, a), (0.7,)),
    ("sigmoid", S.sigmoid, S.sigmoid_backward, torch.sigmoid, ()),
    ("tanh", S.tanh, S.tanh_backward, torch.tanh, ()),
    ("softmax", S.softmax, S.softmax_backward, lambda t, a: F.softmax(t, a), (1,)),
    ("log_softmax", S.log_softmax, S.log_softmax_backward, lambda t, a: F.log_softmax(t, a), (-1,)),
]


@pytest.mark.parametrize("name,fwd,bwd,ref,args", CASES, ids=[c[0] for c in CASES])
@given(dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**31), scale=st.sampled_from([0.5, 3.0]))
def test_activation_and_derivative_match_torch(name, fwd, bwd, ref, args, dtype, seed, scale):
    rng = np.random.default_rng(seed)
    x = random(rng, (3, 4, 5), dtype) * dtype(scale)
    dout = random(rng, x.shape, dtype)
    out, (rdx,) = torch_forward_backward(lambda t: ref(t, *args), [x], dout)
    assert_close(fwd(x, *args), out, dtype, name)
    assert_close(bwd(dout, x, *args), rdx, dtype, f"{name} backward")


@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
def test_prelu_and_its_alpha_gradient(per_channel, dtype):
    rng = np.random.default_rng(0)
    x = random(rng, (2, 3, 4, 4), dtype)
    alpha = np.array([0.1, 0.2, 0.3], dtype) if per_channel else np.array(0.25, dtype)
    dout = random(rng, x.shape, dtype)
    out, (rdx, ralpha) = torch_forward_backward(
        lambda t, a: F.prelu(t, a.reshape(-1)), [x, alpha], dout
    )
    assert_close(S.prelu(x, alpha), out, dtype)
    dx, dalpha = S.prelu_backward(dout, x, alpha)
    assert_close(dx, rdx, dtype, "dx")
    assert_close(dalpha, ralpha.reshape(alpha.shape), dtype, "dalpha")


@pytest.mark.parametrize("dtype", DTYPES)
def test_maxout_matches_torch_and_routes_to_first_max(dtype):
    rng = np.random.default_rng(0)
    x = random(rng, (2, 6, 3, 3), dtype)
    x[:, 0:2] = 1  # a tie inside the first group
    dout = random(rng, (2, 3, 3, 3), dtype)
    out, (rdx,) = torch_forward_backward(
        lambda t: t.reshape(2, 3, 2, 3, 3).max(dim=2).values, [x], dout
    )
    assert_close(S.maxout(x, 2), out, dtype)
    assert_close(S.maxout_backward(dout, x, 2), rdx, dtype, "dx")


def test_derivatives_by_hand():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(S.relu_backward(np.ones(3), x), [0, 0, 1])
    np.testing.assert_allclose(S.sigmoid_backward(np.ones(1), np.zeros(1)), [0.25])  # s(0)=1/2
    np.testing.assert_allclose(S.tanh_backward(np.ones(1), np.zeros(1)), [1.0])
    np.testing.assert_allclose(S.leaky_relu_backward(np.ones(3), x, 0.1), [0.1, 0.1, 1])
    np.testing.assert_allclose(S.elu(np.array([-np.inf, 0.0]), 2.0), [-2.0, 0.0])


def test_extreme_inputs_stay_finite_and_silent():
    x = np.array([[-1000.0, 0.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        np.testing.assert_allclose(S.sigmoid(x), [[0.0, 0.5, 1.0]])
        np.testing.assert_allclose(S.softmax(x), [[0.0, 0.0, 1.0]])
        assert np.all(np.isfinite(S.log_softmax(x)))
        np.testing.assert_allclose(S.log_softmax(x)[0, 0], -2000.0)


# --- Second round: GELU, SiLU, RReLU ------------------------------------------------------

NEW_CASES = [
    ("gelu", S.gelu, S.gelu_backward, lambda t: F.gelu(t), ()),
    ("gelu_tanh", S.gelu, S.gelu_backward, lambda t, a: F.gelu(t, approximate=a), ("tanh",)),
    ("silu", S.silu, S.silu_backward, F.silu, ()),
    ("rrelu_eval", S.rrelu, S.rrelu_backward, lambda t, lo, up: F.rrelu(t, lo, up), (0.1, 0.3)),
]


@pytest.mark.parametrize("name,fwd,bwd,ref,args", NEW_CASES, ids=[c[0] for c in NEW_CASES])
@given(dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**31), scale=st.sampled_from([0.5, 3.0]))
def test_new_activations_and_derivatives_match_torch(name, fwd, bwd, ref, args, dtype, seed, scale):
    rng = np.random.default_rng(seed)
    x = random(rng, (3, 4, 5), dtype) * dtype(scale)
    dout = random(rng, x.shape, dtype)
    out, (rdx,) = torch_forward_backward(lambda t: ref(t, *args), [x], dout)
    x_before, dout_before = x.copy(), dout.copy()
    assert_close(fwd(x, *args), out, dtype, name)
    assert_close(bwd(dout, x, *args), rdx, dtype, f"{name} backward")
    np.testing.assert_array_equal(x, x_before)  # arguments are not modified in place
    np.testing.assert_array_equal(dout, dout_before)


def test_gelu_exact_and_tanh_forms_differ_measurably():
    """The approximation is not the exact GELU: a grader can tell them apart."""
    x = np.linspace(-4, 4, 81)
    gap = np.abs(S.gelu(x) - S.gelu(x, approximate="tanh")).max()
    assert 1e-4 < gap < 1e-3
    np.testing.assert_allclose(S.gelu(np.array([0.0, 1.0])), [0.0, 0.8413447460685429])


def test_silu_derivative_has_both_product_rule_terms():
    x = np.array([-2.0, 0.0, 1.0, 3.0])
    s = S.sigmoid(x)
    np.testing.assert_allclose(S.silu_backward(np.ones(4), x), s + x * s * (1 - s))
    assert S.silu_backward(np.ones(1), np.zeros(1))[0] == 0.5  # sigma(0) + 0
    assert not np.allclose(S.silu_backward(np.ones(4), x), s)  # the first term alone is wrong


@pytest.mark.parametrize("dtype", DTYPES)
def test_rrelu_training_draws_slopes_as_torch(dtype):
    rng = np.random.default_rng(3)
    x = random(rng, (4, 5, 6), dtype)
    x[0, 0, :2] = 0  # zeros count as non-positive, as in PyTorch
    dout = random(rng, x.shape, dtype)
    out, slopes = S.rrelu(x, 0.1, 0.3, training=True, rng=1, return_slopes=True)
    assert out.dtype == slopes.dtype == np.dtype(dtype) and out.shape == x.shape
    np.testing.assert_array_equal(slopes[x > 0], 1)
    neg = slopes[x <= 0]
    assert neg.min() >= dtype(0.1) and neg.max() <= dtype(0.3) and len(np.unique(neg)) > 10
    np.testing.assert_array_equal(out, slopes * x)
    # the same seed gives the same slopes, another seed others
    np.testing.assert_array_equal(S.rrelu(x, 0.1, 0.3, training=True, rng=1), out)
    assert not np.array_equal(S.rrelu(x, 0.1, 0.3, training=True, rng=2), out)
    # torch's own random slopes, read from its output, give its gradient through ours
    t = torch.tensor(x.astype(np.float64), requires_grad=True)
    tout = F.rrelu(t, 0.1, 0.3, training=True)
    tout.backward(torch.tensor(dout.astype(np.float64)))
    tx, ty = x.astype(np.float64), tout.detach().numpy()
    tslopes = np.where(tx > 0, 1.0, np.divide(ty, tx, out=np.full_like(tx, 0.2), where=tx != 0))
    tslopes[x == 0] = t.grad.numpy()[x == 0] / dout.astype(np.float64)[x == 0]
    assert tslopes[x <= 0].min() >= 0.1 - 1e-12 and tslopes[x <= 0].max() <= 0.3 + 1e-12
    dx = S.rrelu_backward(dout, x, 0.1, 0.3, training=True, slopes=tslopes.astype(dtype))
    assert_close(dx, t.grad, dtype, "rrelu training backward")


def test_rrelu_statistics_and_evaluation_slope():
    x = -np.ones(20000)
    out = S.rrelu(x, 0.1, 0.3, training=True, rng=0)
    assert abs(-out.mean() - 0.2) < 0.005  # mean slope (lower + upper) / 2
    np.testing.assert_allclose(S.rrelu(np.array([-2.0, 3.0])), [-2 * (1 / 8 + 1 / 3) / 2, 3.0])
    np.testing.assert_allclose(
        S.rrelu_backward(np.ones(2), np.array([-2.0, 3.0])), [(1 / 8 + 1 / 3) / 2, 1.0]
    )


def away_from_zero(rng, shape):
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < 0.05, 0.05 * np.sign(x + 1e-12), x)


@pytest.mark.parametrize(
    "name,forward,backward",
    [
        ("gelu", S.gelu, S.gelu_backward),
        ("gelu_tanh", lambda x: S.gelu(x, "tanh"), lambda d, x: S.gelu_backward(d, x, "tanh")),
        ("silu", S.silu, S.silu_backward),
        ("rrelu_eval", S.rrelu, S.rrelu_backward),
        (
            "rrelu_train",
            lambda x: S.rrelu(x, training=True, rng=5),  # the same seed: the same slopes
            lambda d, x: S.rrelu_backward(
                d, x, training=True, slopes=S.rrelu(x, training=True, rng=5, return_slopes=True)[1]
            ),
        ),
    ],
)
def test_new_backwards_match_numerical_gradient(name, forward, backward):
    rng = np.random.default_rng(7)
    x = away_from_zero(rng, (2, 3, 4)) * 2
    dout = rng.standard_normal(x.shape)
    assert S.gradient_check(forward, x, backward(dout, x), dout) < 1e-7, name


@pytest.mark.parametrize(
    "call,words",
    [
        (lambda: S.gelu(np.zeros(3), approximate="erf"), ["approximate", "'tanh'"]),
        (lambda: S.gelu_backward(np.zeros(3), np.zeros(3), approximate=None), ["approximate"]),
        (lambda: S.gelu_backward(np.zeros(3), np.zeros(4)), ["dout", "shape"]),
        (lambda: S.gelu(np.array(["a"])), ["x", "numeric"]),
        (lambda: S.silu(np.zeros(3, dtype=complex)), ["x", "numeric"]),
        (lambda: S.silu_backward(np.zeros((2, 3)), np.zeros(3)), ["dout", "shape"]),
        (lambda: S.rrelu(np.zeros(3), lower=0.5, upper=0.1), ["lower", "upper"]),
        (lambda: S.rrelu(np.zeros(3), upper=float("inf")), ["upper", "finite"]),
        (lambda: S.rrelu(np.zeros(3), lower=float("nan")), ["lower", "finite"]),
        (lambda: S.rrelu_backward(np.zeros(3), np.zeros(3), training=True), ["slopes"]),
        (
            lambda: S.rrelu_backward(np.zeros(3), np.zeros(3), slopes=np.ones(4)),
            ["slopes", "(3,)"],
        ),
    ],
)
def test_new_activations_reject_bad_input(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{word!r} not in: {info.value}"


def test_gelu_exact_is_finite_for_extreme_inputs():
    x = np.array([-1000.0, -10.0, 0.0, 10.0, 1000.0], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = S.gelu(x)
        dx = S.gelu_backward(np.ones_like(x), x)
    assert out.dtype == dx.dtype == np.float32
    np.testing.assert_allclose(out, [0, 0, 0, 10, 1000], atol=1e-6)
    np.testing.assert_allclose(dx, [0, 0, 0.5, 1, 1], atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_backward_matches_torch_on_non_finite_values(dtype):
    # the compiled select loop must pass NaN and inf where x > 0 and give 0 elsewhere, as
    # PyTorch's threshold backward does (a product dout * (x > 0) would turn inf * 0 into NaN)
    x = np.array([np.nan, 0.0, -0.0, np.inf, -np.inf, 1.0, -1.0, 2.0, -2.0], dtype)
    dout = np.array([1.0, np.nan, np.inf, np.nan, np.inf, -np.inf, np.nan, np.inf, -1.0], dtype)
    xt = torch.from_numpy(x).requires_grad_()
    torch.relu(xt).backward(torch.from_numpy(dout))
    dx = S.relu_backward(dout.reshape(3, 3), x.reshape(3, 3))
    assert dx.dtype == dtype and dx.shape == (3, 3)
    np.testing.assert_array_equal(dx.ravel(), xt.grad.numpy())
