"""Hypothesis strategies for valid convolution and pooling configurations."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.oracle import DTYPES


@st.composite
def conv_configs(draw, max_groups: int = 3, allow_same: bool = True):
    """A random valid conv2d call: shapes, stride, padding, dilation, groups, dtype."""
    groups = draw(st.integers(1, max_groups))
    c_in = groups * draw(st.integers(1, 3))
    c_out = groups * draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    if allow_same and stride == (1, 1) and draw(st.booleans()):
        padding = draw(st.sampled_from(["same", "valid"]))
        pad_hw = (0, 0)
    else:
        pad_hw = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
        padding = pad_hw if pad_hw[0] != pad_hw[1] else pad_hw[0]
    # the (dilated) kernel must fit into the padded input
    h = max(1, dh * (kh - 1) + 1 - 2 * pad_hw[0]) + draw(st.integers(0, 6))
    w = max(1, dw * (kw - 1) + 1 - 2 * pad_hw[1]) + draw(st.integers(0, 6))
    return {
        "x_shape": (draw(st.integers(1, 3)), c_in, h, w),
        "w_shape": (c_out, c_in // groups, kh, kw),
        "stride": stride,
        "padding": padding,
        "dilation": (dh, dw),
        "groups": groups,
        "dtype": draw(st.sampled_from(DTYPES)),
        "bias": draw(st.booleans()),
        "seed": draw(st.integers(0, 2**31)),
    }


@st.composite
def pool_configs(draw):
    """A random valid pooling call (PyTorch's rule: padding at most half the kernel)."""
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2)))
    h = max(1, kh - 2 * padding[0]) + draw(st.integers(0, 7))
    w = max(1, kw - 2 * padding[1]) + draw(st.integers(0, 7))
    return {
        "x_shape": (draw(st.integers(1, 3)), draw(st.integers(1, 3)), h, w),
        "kernel_size": (kh, kw),
        "stride": stride,
        "padding": padding,
        "dtype": draw(st.sampled_from(DTYPES)),
        "seed": draw(st.integers(0, 2**31)),
    }
