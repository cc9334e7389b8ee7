"""Chapters 3 and 4: dilation, receptive fields, depthwise/pointwise/separable convolution."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from solutions import (
    conv2d,
    depthwise_conv2d,
    dilate_kernel,
    effective_kernel_size,
    pointwise_conv2d,
    receptive_field,
    separable_conv2d,
)
from tests.oracle import DTYPES, assert_close, random, t64


def test_effective_kernel_size_by_hand():
    assert effective_kernel_size(3, 1) == 3
    assert effective_kernel_size(3, 2) == 5
    assert effective_kernel_size(3, 4) == 9
    assert effective_kernel_size(1, 7) == 1


@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 2**31),
)
def test_dilated_conv_is_conv_with_zero_inserted_kernel(kh, kw, dh, dw, seed):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((2, 3, kh, kw))
    x = rng.standard_normal((1, 3, dh * (kh - 1) + 4, dw * (kw - 1) + 3))
    np.testing.assert_allclose(
        conv2d(x, w, dilation=(dh, dw)), conv2d(x, dilate_kernel(w, (dh, dw))), atol=1e-12
    )


def brute_force_receptive_field(layers):
    """Grow a delta's influence backwards through a 1-D stack with torch autograd."""
    length = 3  # three output units; walk back to the input length that produces them
    for k, s, d in reversed(layers):
        length = (length - 1) * s + d * (k - 1) + 1
    x = torch.zeros(1, 1, length, requires_grad=True)
    h = x
    for k, s, d in layers:
        h = F.conv1d(h, torch.ones(1, 1, k), stride=s, dilation=d)
    h[0, 0, h.shape[2] // 2].backward()
    touched = torch.nonzero(x.grad[0, 0]).flatten()
    return int(touched.max() - touched.min() + 1)


def test_receptive_field_by_hand():
    assert receptive_field([(3, 1, 1)] * 3) == 7  # three 3x3 layers see 7x7
    assert receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)]) == 15  # dilations 1, 2, 4
    assert receptive_field([(5,), (2, 2), (5,), (2, 2)]) == 16  # LeNet's conv/pool stack
    assert receptive_field([]) == 1


@given(
    st.lists(
        st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3)), min_size=1, max_size=4
    )
)
def test_receptive_field_matches_brute_force(layers):
    assert receptive_field(layers) == brute_force_receptive_field(layers)


@given(
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 2),
    st.integers(0, 1),
    st.sampled_from(DTYPES),
    st.integers(0, 2**31),
)
def test_depthwise_matches_torch(channels, multiplier, k, stride, padding, dtype, seed):
    rng = np.random.default_rng(seed)
    x = random(rng, (2, channels, 7, 6), dtype)
    w = random(rng, (channels * multiplier, 1, k, k), dtype)
    b = random(rng, (channels * multiplier,), dtype)
    ours = depthwise_conv2d(x, w, b, stride=stride, padding=padding)
    ref = F.conv2d(t64(x), t64(w), t64(b), stride=stride, padding=padding, groups=channels)
    assert_close(ours, ref, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_separable_is_depthwise_then_pointwise(dtype):
    rng = np.random.default_rng(2)
    x = random(rng, (2, 3, 8, 8), dtype)
    wd, bd = random(rng, (3, 1, 3, 3), dtype), random(rng, (3,), dtype)
    wp, bp = random(rng, (4, 3, 1, 1), dtype), random(rng, (4,), dtype)
    ours = separable_conv2d(x, wd, wp, bd, bp, padding=1)
    ref = F.conv2d(F.conv2d(t64(x), t64(wd), t64(bd), padding=1, groups=3), t64(wp), t64(bp))
    assert_close(ours, ref, dtype)
    assert_close(pointwise_conv2d(x, wp), F.conv2d(t64(x), t64(wp)), dtype)
    # 4 output channels from 3: 27 + 12 = 39 weights instead of 108
    assert wd.size + wp.size == 39


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "kwargs",
    [
        dict(padding=1),
        dict(stride=(2, 1), padding=(0, 2), dilation=2),
        dict(padding="same", dilation=(3, 1)),
    ],
)
def test_depthwise_3x3_fast_path_matches_torch(dtype, kwargs):
    # 3x3 with unit column stride takes its own single-pass kernel: rows stride and dilation
    rng = np.random.default_rng(5)
    x = random(rng, (2, 4, 9, 8), dtype)
    w = random(rng, (8, 1, 3, 3), dtype)  # depth multiplier 2
    assert_close(
        conv2d(x, w, groups=4, **kwargs), F.conv2d(t64(x), t64(w), groups=4, **kwargs), dtype
    )
