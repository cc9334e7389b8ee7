"""Chapter 6: max and average pooling, forward and backward, against PyTorch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given

from solutions import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from tests.oracle import DTYPES, assert_close, random, torch_forward_backward
from tests.strategies import pool_configs


def _inputs(cfg):
    rng = np.random.default_rng(cfg["seed"])
    x = random(rng, cfg["x_shape"], cfg["dtype"])
    # a few exact ties, as after a ReLU, to exercise "first arg-max wins"
    x[..., ::2, ::3] = 0
    return rng, x, (cfg["kernel_size"], cfg["stride"], cfg["padding"])


POOLS = {
    "max": (max_pool2d, max_pool2d_backward, F.max_pool2d),
    "avg": (avg_pool2d, avg_pool2d_backward, F.avg_pool2d),
}


@pytest.mark.parametrize("kind", POOLS)
@given(cfg=pool_configs())
def test_pool_forward_and_backward_match_torch(kind, cfg):
    forward, backward, reference = POOLS[kind]
    rng, x, args = _inputs(cfg)
    out = forward(x, *args)
    dout = random(rng, out.shape, cfg["dtype"])
    ref, (rdx,) = torch_forward_backward(lambda t: reference(t, *args), [x], dout)
    assert_close(out, ref, cfg["dtype"])
    assert_close(backward(dout, x, *args), rdx, cfg["dtype"], "dx")


def test_max_pool_backward_routes_to_argmax_only():
    x = np.array([[[[1.0, 5.0], [3.0, 2.0]]]])
    dx = max_pool2d_backward(np.array([[[[10.0]]]]), x, 2)
    # the whole gradient goes to the 5, nothing to the other three cells
    np.testing.assert_array_equal(dx, [[[[0.0, 10.0], [0.0, 0.0]]]])


def test_max_pool_backward_ties_go_to_the_first_cell():
    x = np.zeros((1, 1, 2, 2))  # an all-zero window after a ReLU
    dx = max_pool2d_backward(np.ones((1, 1, 1, 1)), x, 2)
    np.testing.assert_array_equal(dx, [[[[1.0, 0.0], [0.0, 0.0]]]])


def test_overlapping_windows_accumulate():
    # stride 1, kernel 2 on [1, 3, 2]: both windows pick the 3, which gets both gradients
    x = np.array([[[[1.0, 3.0, 2.0]]]])
    dx = max_pool2d_backward(np.array([[[[1.0, 2.0]]]]), x, (1, 2), stride=1)
    np.testing.assert_array_equal(dx, [[[[0.0, 3.0, 0.0]]]])


@pytest.mark.parametrize("dtype", DTYPES)
def test_avg_pool_counts_padding_by_hand(dtype):
    x = np.ones((1, 1, 2, 2), dtype)
    # kernel 2, stride 2, padding 1: every window holds one real 1 and three padded zeros
    out = avg_pool2d(x, 2, 2, 1)
    np.testing.assert_array_equal(out, np.full((1, 1, 2, 2), 0.25, dtype))
    assert out.dtype == dtype


def test_max_pool_padding_never_wins():
    x = -np.ones((1, 1, 2, 2))
    np.testing.assert_array_equal(max_pool2d(x, 2, 2, 1), -np.ones((1, 1, 2, 2)))


def test_max_pool_propagates_nan_like_torch():
    x = np.array([[[[1.0, np.nan], [3.0, 2.0]]]])
    assert np.isnan(max_pool2d(x, 2)[0, 0, 0, 0])


@given(pool_configs())
def test_max_pool_indices_match_torch_and_feed_backward(cfg):
    rng, x, args = _inputs(cfg)
    out, indices = max_pool2d(x, *args, return_indices=True)
    _, ref_indices = F.max_pool2d(
        torch.from_numpy(x.astype(np.float64)), *args, return_indices=True
    )
    np.testing.assert_array_equal(indices, ref_indices.numpy())
    dout = random(rng, out.shape, cfg["dtype"])
    np.testing.assert_array_equal(
        max_pool2d_backward(dout, x, *args, indices=indices), max_pool2d_backward(dout, x, *args)
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3, 8, 8), (3, 2, 9, 7), (1, 1, 2, 2), (64, 6, 28, 28)])
def test_max_pool_2x2_path_matches_torch_with_ties_and_nans(dtype, shape):
    # 2x2 windows at stride 2 without padding have a kernel of their own (_kernels); odd
    # sizes leave a last row/column that no window reads
    rng = np.random.default_rng(7)
    x = random(rng, shape, dtype)
    x[..., ::2, ::3] = 0  # exact ties: the first maximum wins
    flat = x.reshape(-1)
    flat[rng.choice(flat.size, max(1, flat.size // 50), replace=False)] = np.nan  # a NaN wins
    out, indices = max_pool2d(x, 2, return_indices=True)
    ref, ref_indices = F.max_pool2d(torch.from_numpy(x), 2, return_indices=True)
    np.testing.assert_array_equal(out, ref.numpy())  # NaN where torch has NaN
    np.testing.assert_array_equal(indices, ref_indices.numpy())
    # the general kernel at stride 1 computes the same windows at even positions
    general, general_indices = max_pool2d(x, 2, 1, return_indices=True)
    np.testing.assert_array_equal(general[..., ::2, ::2], out)
    np.testing.assert_array_equal(general_indices[..., ::2, ::2], indices)


def test_max_pool_backward_rejects_foreign_indices():
    x = np.zeros((1, 1, 4, 4))
    with pytest.raises(ValueError, match="indices must lie"):
        max_pool2d_backward(np.ones((1, 1, 2, 2)), x, 2, indices=np.full((1, 1, 2, 2), 99))
    with pytest.raises(ValueError, match="int64 of shape"):
        max_pool2d_backward(np.ones((1, 1, 2, 2)), x, 2, indices=np.zeros((1, 1, 3, 3), np.int64))
