"""Bad input gets a ValueError that names the problem: never a Numba error, crash or wrong answer."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import solutions as S

X = np.zeros((2, 3, 8, 8))
W = np.zeros((4, 3, 3, 3))

BAD_CALLS = [
    # (call, words the message must contain)
    (lambda: S.conv2d(np.zeros((3, 8, 8)), W), ["x", "4-D", "(3, 8, 8)"]),
    (lambda: S.conv2d(X, np.zeros((4, 3, 3))), ["w", "4-D"]),
    (
        lambda: S.conv2d(X, np.zeros((4, 2, 3, 3))),
        ["channel mismatch", "(2, 3, 8, 8)", "(4, 2, 3, 3)"],
    ),
    (lambda: S.conv2d(X, np.zeros((4, 1, 3, 3)), groups=2), ["groups=2", "divide"]),
    (lambda: S.conv2d(X, np.zeros((5, 1, 3, 3)), groups=3), ["groups=3", "divide"]),
    (lambda: S.conv2d(X, np.zeros((4, 3, 9, 9))), ["kernel", "larger", "padded input"]),
    (lambda: S.conv2d(X, np.zeros((4, 3, 3, 3)), dilation=4), ["kernel", "dilation"]),
    (lambda: S.conv2d(X, W, stride=0), ["stride", ">= 1"]),
    (lambda: S.conv2d(X, W, stride=-1), ["stride"]),
    (lambda: S.conv2d(X, W, stride=1.5), ["stride", "integer"]),
    (lambda: S.conv2d(X, W, stride=float("nan")), ["stride", "finite"]),
    (lambda: S.conv2d(X, W, stride=(1, 2, 3)), ["stride", "pair"]),
    (lambda: S.conv2d(X, W, dilation=0), ["dilation", ">= 1"]),
    (lambda: S.conv2d(X, W, padding=-1), ["padding", ">= 0"]),
    (lambda: S.conv2d(X, W, padding="full"), ["padding", "valid", "same"]),
    (lambda: S.conv2d(X, W, padding="same", stride=2), ["same", "stride"]),
    (lambda: S.conv2d(X, W, padding=float("inf")), ["padding", "finite"]),
    (lambda: S.conv2d(X, W, np.zeros(3)), ["b", "(4,)"]),
    (lambda: S.conv2d(X.astype(complex), W), ["x", "complex"]),
    (lambda: S.conv2d(X, W, groups=0), ["groups", ">= 1"]),
    (lambda: S.conv2d_backward(np.zeros((2, 4, 5, 5)), X, W), ["dout", "(2, 4, 6, 6)"]),
    (lambda: S.corr2d(np.zeros((2, 2)), np.zeros((3, 3))), ["kernel", "larger"]),
    (lambda: S.corr2d(np.zeros((2, 2, 2)), np.zeros((1, 1))), ["x", "2-D"]),
    (lambda: S.convolve2d(np.zeros((4, 4)), np.zeros((2, 2)), "middle"), ["mode"]),
    (lambda: S.pad2d(np.zeros(3), 1), ["x", "2 axes"]),
    (lambda: S.pad2d(np.zeros((3, 3)), (1, -1, 0, 0)), ["padding[1]"]),
    (lambda: S.conv_output_size(5, 7), ["kernel", "padded input"]),
    (lambda: S.conv_output_size(5, 3, stride=0), ["stride"]),
    (lambda: S.max_pool2d(X, 2, padding=2), ["padding", "half"]),
    (lambda: S.max_pool2d(X, 9), ["pooling window", "larger"]),
    (lambda: S.avg_pool2d(X, 2, stride=0), ["stride"]),
    (lambda: S.max_pool2d(np.zeros((8, 8)), 2), ["x", "4-D"]),
    (lambda: S.max_pool2d_backward(np.zeros((2, 3, 3, 3)), X, 2), ["dout", "(2, 3, 4, 4)"]),
    (lambda: S.linear(np.zeros((2, 3)), np.zeros((4, 5))), ["mismatch", "(2, 3)", "(4, 5)"]),
    (lambda: S.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3])), ["labels", "[0, 3)"]),
    (lambda: S.softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0])), ["y", "integer"]),
    (lambda: S.mse_loss(np.zeros(3), np.zeros(4)), ["pred", "target"]),
    (lambda: S.relu_backward(np.zeros(3), np.zeros(4)), ["dout", "shape"]),
    (lambda: S.prelu(X, np.zeros(4)), ["alpha", "(3,)"]),
    (lambda: S.maxout(X, 2), ["divisible", "k=2"]),
    (lambda: S.leaky_relu(X, float("nan")), ["alpha", "finite"]),
    (lambda: S.receptive_field([(3, 0, 1)]), ["stride"]),
    (lambda: S.depthwise_conv2d(X, np.zeros((4, 1, 3, 3))), ["depthwise", "C=3"]),
    (lambda: S.numerical_gradient(lambda v: v, np.zeros(3), eps=0.0), ["eps"]),
]


@pytest.mark.parametrize("call,words", BAD_CALLS, ids=range(len(BAD_CALLS)))
def test_bad_input_raises_value_error_naming_it(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{word!r} not in: {info.value}"


ANYTHING = st.one_of(
    st.integers(-3, 10),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=4),
    st.none(),
    st.tuples(st.integers(-2, 4), st.integers(-2, 4)),
    st.lists(st.integers(-1, 3), max_size=5),
)


@given(
    x_shape=st.lists(st.integers(0, 6), min_size=1, max_size=5),
    w_shape=st.lists(st.integers(0, 4), min_size=1, max_size=5),
    stride=ANYTHING,
    padding=ANYTHING,
    dilation=ANYTHING,
    groups=ANYTHING,
)
def test_conv2d_garbage_gives_value_error_or_a_correct_shape(
    x_shape, w_shape, stride, padding, dilation, groups
):
    try:
        out = S.conv2d(np.ones(x_shape), np.ones(w_shape), None, stride, padding, dilation, groups)
    except ValueError:
        return
    # if it was accepted, it was a valid call and the answer has the documented shape
    assert out.shape[:2] == (x_shape[0], w_shape[0])
    assert np.all(np.isfinite(out))


@given(
    shape=st.lists(st.integers(0, 6), min_size=1, max_size=5),
    kernel=ANYTHING,
    stride=ANYTHING,
    padding=ANYTHING,
)
def test_pooling_garbage_gives_value_error_or_a_result(shape, kernel, stride, padding):
    for pool in (S.max_pool2d, S.avg_pool2d):
        try:
            out = pool(np.ones(shape), kernel, stride, padding)
        except ValueError:
            continue
        assert out.ndim == 4
        if pool is S.max_pool2d:
            assert np.all(out == 1)  # padding is -inf: it never wins
        else:
            assert np.all((out > 0) & (out <= 1))  # padded zeros count in the mean
