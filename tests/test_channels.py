"""Chapter 2: conv2d (all options) against PyTorch; conv1x1; conv2d_cost."""

import numpy as np
import pytest
import torch.nn.functional as F
from hypothesis import given

from solutions import conv1x1, conv2d, conv2d_cost
from tests.oracle import DTYPES, assert_close, random, t64
from tests.strategies import conv_configs


def call_both(cfg):
    rng = np.random.default_rng(cfg["seed"])
    dtype = cfg["dtype"]
    x = random(rng, cfg["x_shape"], dtype)
    w = random(rng, cfg["w_shape"], dtype)
    b = random(rng, (cfg["w_shape"][0],), dtype) if cfg["bias"] else None
    kwargs = {k: cfg[k] for k in ("stride", "padding", "dilation", "groups")}
    ours = conv2d(x, w, b, **kwargs)
    ref = F.conv2d(t64(x), t64(w), None if b is None else t64(b), **kwargs)
    return ours, ref, dtype


@given(conv_configs())
def test_conv2d_matches_torch(cfg):
    ours, ref, dtype = call_both(cfg)
    assert_close(ours, ref, dtype)


@given(conv_configs(max_groups=1))
def test_conv2d_without_groups_matches_torch(cfg):
    # the im2col + GEMM path on its own, including 1x1 kernels
    ours, ref, dtype = call_both(cfg)
    assert_close(ours, ref, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_multi_channel_sum_with_bias_by_hand(dtype):
    # two input channels, 2x2 kernel of ones per channel: each output is the sum of the
    # channel-0 window, plus twice the channel-1 window (kernel of twos), plus the bias.
    x = np.stack([np.arange(9.0).reshape(3, 3), np.ones((3, 3))])[None].astype(dtype)
    w = np.stack([np.ones((2, 2)), 2 * np.ones((2, 2))])[None].astype(dtype)
    out = conv2d(x, w, np.array([1.0], dtype))
    # top-left window: 0+1+3+4 = 8 from channel 0, 2*4 = 8 from channel 1, +1 bias = 17
    np.testing.assert_array_equal(out, np.array([[[[17, 21], [29, 33]]]], dtype))
    assert out.dtype == dtype


def test_large_batch_is_consistent_per_example():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((7, 3, 10, 9)), rng.standard_normal((4, 3, 3, 3))
    whole = conv2d(x, w, stride=2, padding=1)
    for n in range(7):
        np.testing.assert_allclose(whole[n : n + 1], conv2d(x[n : n + 1], w, stride=2, padding=1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_conv1x1_is_a_matrix_product(dtype):
    rng = np.random.default_rng(1)
    x, w, b = (random(rng, s, dtype) for s in [(2, 5, 4, 3), (6, 5), (6,)])
    ours = conv1x1(x, w, b)
    assert_close(ours, F.conv2d(t64(x), t64(w[:, :, None, None]), t64(b)), dtype)
    # the same numbers as an explicit matrix product at one pixel
    np.testing.assert_allclose(ours[1, :, 2, 1], w @ x[1, :, 2, 1] + b, rtol=1e-5)
    assert_close(conv1x1(x, w[:, :, None, None]), F.conv2d(t64(x), t64(w[:, :, None, None])), dtype)


def test_conv2d_cost_by_hand():
    # 4 filters of 3x3 over 3 channels: 4*3*3*3 = 108 weights
    assert conv2d_cost(3, 4, 3, (5, 5), bias=False).params == 108
    # depthwise 3x3 (groups=3): 27; pointwise 1x1 to 4 channels: 12 -> 39 in all
    depthwise = conv2d_cost(3, 3, 3, (5, 5), groups=3, bias=False)
    pointwise = conv2d_cost(3, 4, 1, (5, 5), bias=False)
    assert (depthwise.params, pointwise.params) == (27, 12)
    # multiply-adds: one per weight per output pixel: 108 * 25
    assert conv2d_cost(3, 4, 3, 5, bias=False).mult_adds == 2700
    assert conv2d_cost(3, 4, (3, 3), (5, 5)).params == 112  # + 4 biases
