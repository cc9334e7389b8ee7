"""Chapter 1: corr2d, convolve2d, pad2d, conv_output_size."""

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from solutions import conv_output_size, convolve2d, corr2d, pad2d
from tests.oracle import DTYPES, assert_close


def naive_corr2d(x, k):
    """The definition, written as plainly as possible: an independent oracle."""
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kw] * k)
    return out


def test_corr2d_hand_example():
    # d2l's worked example: 0*0 + 1*1 + 3*2 + 4*3 = 19, and so on.
    x = np.arange(9.0).reshape(3, 3)
    k = np.array([[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(corr2d(x, k), [[19.0, 25.0], [37.0, 43.0]])


def test_corr2d_is_not_flipped():
    # A kernel with a single 1 in its top-left corner picks x[i, j] (no flip).
    x = np.arange(12.0).reshape(3, 4)
    k = np.array([[1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(corr2d(x, k), x[:2, :3])
    # while true convolution picks the bottom-right neighbour x[i + 1, j + 1]
    np.testing.assert_array_equal(convolve2d(x, k, "valid"), x[1:, 1:])


def test_hand_sized_outputs():
    assert corr2d(np.ones((3, 4)), np.ones((2, 2))).shape == (2, 3)
    assert convolve2d(np.ones((5, 5)), np.ones((3, 3)), "same").shape == (5, 5)
    assert conv_output_size(5, 3, padding=1) == 5
    assert conv_output_size(4, 2) == 3
    assert conv_output_size(7, 3, stride=2) == 3  # floor((7 - 3) / 2) + 1
    assert conv_output_size(8, 3, padding=1, stride=2) == 4  # floor((8 + 2 - 3) / 2) + 1
    assert conv_output_size(10, 3, dilation=2) == 6  # 10 - 5 + 1


@given(
    st.integers(1, 9),
    st.integers(1, 9),
    st.integers(1, 4),
    st.integers(1, 4),
    st.sampled_from(DTYPES),
    st.integers(0, 2**31),
)
def test_corr2d_matches_naive_loop(h, w, kh, kw, dtype, seed):
    rng = np.random.default_rng(seed)
    kh, kw = min(kh, h), min(kw, w)
    x = rng.standard_normal((h, w)).astype(dtype)
    k = rng.standard_normal((kh, kw)).astype(dtype)
    assert_close(corr2d(x, k), naive_corr2d(x.astype(np.float64), k.astype(np.float64)), dtype)


@given(
    st.integers(1, 8),
    st.integers(1, 8),
    st.integers(1, 4),
    st.integers(1, 4),
    st.sampled_from(["valid", "full", "same"]),
    st.sampled_from(DTYPES),
    st.integers(0, 2**31),
)
def test_convolve2d_matches_scipy(h, w, kh, kw, mode, dtype, seed):
    rng = np.random.default_rng(seed)
    if mode == "valid":
        kh, kw = min(kh, h), min(kw, w)
    x = rng.standard_normal((h, w)).astype(dtype)
    k = rng.standard_normal((kh, kw)).astype(dtype)
    ours = convolve2d(x, k, mode)
    if mode == "same" and (kh % 2 == 0 or kw % 2 == 0):
        # SciPy centres even kernels top/left; PyTorch (and we) put the extra pad bottom/right.
        ref = F.conv2d(
            torch.from_numpy(x.astype(np.float64))[None, None],
            torch.from_numpy(k[::-1, ::-1].astype(np.float64).copy())[None, None],
            padding="same",
        )[0, 0]
    else:
        ref = scipy.signal.convolve2d(x.astype(np.float64), k.astype(np.float64), mode=mode)
    assert_close(ours, ref, dtype)


def test_same_mode_even_kernel_pads_bottom_right():
    # kernel (2, 2) needs 1 extra row and column: they go at the bottom and the right, so the
    # last output row sees the zero padding.
    x = np.ones((3, 3))
    out = convolve2d(x, np.ones((2, 2)), "same")
    np.testing.assert_array_equal(out, [[4, 4, 2], [4, 4, 2], [2, 2, 1]])


@given(
    st.lists(st.integers(1, 5), min_size=2, max_size=4).map(tuple),
    st.one_of(
        st.integers(0, 3),
        st.tuples(st.integers(0, 3), st.integers(0, 3)),
        st.tuples(*[st.integers(0, 3)] * 4),
    ),
)
def test_pad2d_matches_numpy_pad(shape, padding):
    x = np.arange(np.prod(shape)).reshape(shape)
    if isinstance(padding, int):
        t = b = lft = r = padding
    elif len(padding) == 2:
        t = b = padding[0]
        lft = r = padding[1]
    else:
        t, b, lft, r = padding
    lead = [(0, 0)] * (len(shape) - 2)
    expected = np.pad(x, lead + [(t, b), (lft, r)])
    out = pad2d(x, padding)
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == x.dtype


@given(
    st.integers(1, 12),
    st.integers(1, 5),
    st.integers(0, 3),
    st.integers(1, 3),
    st.integers(1, 3),
)
def test_conv_output_size_matches_torch(n, k, padding, stride, dilation):
    if dilation * (k - 1) + 1 > n + 2 * padding:
        with pytest.raises(ValueError, match="kernel"):
            conv_output_size(n, k, padding, stride, dilation)
        return
    out = F.conv2d(
        torch.zeros(1, 1, n, 1),
        torch.zeros(1, 1, k, 1),
        stride=(stride, 1),
        padding=(padding, 0),
        dilation=(dilation, 1),
    )
    assert conv_output_size(n, k, padding, stride, dilation) == out.shape[2]
