"""Chapter 7: flatten, linear, losses against PyTorch."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from solutions import flatten, linear, linear_backward, mse_loss, softmax_cross_entropy
from tests.oracle import DTYPES, assert_close, random, t64, torch_forward_backward


def test_flatten_is_row_major_over_c_h_w():
    x = np.arange(2 * 3 * 2 * 2).reshape(2, 3, 2, 2)
    out = flatten(x)
    assert out.shape == (2, 12)
    np.testing.assert_array_equal(out[1], np.arange(12, 24))


@given(
    st.integers(1, 5),
    st.integers(1, 6),
    st.integers(1, 6),
    st.sampled_from(DTYPES),
    st.integers(0, 2**31),
)
def test_linear_and_backward_match_torch(n, d_in, d_out, dtype, seed):
    rng = np.random.default_rng(seed)
    x, w, b = (
        random(rng, (n, d_in), dtype),
        random(rng, (d_out, d_in), dtype),
        random(rng, (d_out,), dtype),
    )
    dout = random(rng, (n, d_out), dtype)
    out, (rx, rw, rb) = torch_forward_backward(F.linear, [x, w, b], dout)
    assert_close(linear(x, w, b), out, dtype)
    dx, dw, db = linear_backward(dout, x, w)
    assert_close(dx, rx, dtype, "dx")
    assert_close(dw, rw, dtype, "dw")
    assert_close(db, rb, dtype, "db")


@given(
    st.integers(1, 6),
    st.integers(2, 7),
    st.sampled_from(DTYPES),
    st.sampled_from([1.0, 50.0]),
    st.integers(0, 2**31),
)
def test_softmax_cross_entropy_matches_torch(n, classes, dtype, scale, seed):
    rng = np.random.default_rng(seed)
    logits = random(rng, (n, classes), dtype) * dtype(scale)
    y = rng.integers(0, classes, n)
    loss, dlogits = softmax_cross_entropy(logits, y)
    t = t64(logits)
    ref = F.cross_entropy(t, torch.from_numpy(y))
    ref.backward()
    # log-sum-exp works at the logits' magnitude, so the loss is exact to eps * max|logit|
    eps = 1e-6 if dtype == np.float32 else 1e-14
    assert loss == pytest.approx(ref.item(), abs=eps * max(1.0, float(np.abs(logits).max())))
    assert_close(dlogits, t.grad, dtype, "dlogits")


def test_cross_entropy_by_hand_and_with_huge_logits():
    # two equal logits: probability 1/2, loss log 2
    loss, d = softmax_cross_entropy(np.zeros((1, 2)), np.array([0]))
    assert loss == pytest.approx(np.log(2))
    np.testing.assert_allclose(d, [[-0.5, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, d = softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([1]))
    assert loss == pytest.approx(1000.0) and np.all(np.isfinite(d))


@pytest.mark.parametrize("dtype", DTYPES)
def test_mse_matches_torch(dtype):
    rng = np.random.default_rng(0)
    pred, target = random(rng, (4, 3), dtype), random(rng, (4, 3), dtype)
    loss, dpred = mse_loss(pred, target)
    t = t64(pred)
    ref = F.mse_loss(t, torch.from_numpy(target.astype(np.float64)))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-6)
    assert_close(dpred, t.grad, dtype, "dpred")
    assert mse_loss(np.array([1.0, 3.0]), np.array([0.0, 0.0]))[0] == 5.0  # (1 + 9) / 2
