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
