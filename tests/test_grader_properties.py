"""The properties every graded component is held to, beyond its values (issue 18): the
caller's arguments come back unchanged, the result keeps the reference's dtype, no NaN or
inf where the reference is finite, shortcuts that only work on easy inputs are caught.

Each wrong submission below earned full marks before these checks; each must now lose
points on every one of ten seeds, while the correct notebooks keep full marks."""

import numpy as np
import pytest

from autograder._runner import changed_argument, hold_arguments, name_argument
from autograder.course import SLUGS, nbgrader_meta, release_path, solved, source_path
from autograder.grader import check_in_kernel, grade_notebook
from tests.test_autograder import write_solved

SEEDS = range(101, 111)

# leaves each entry at old - eps: the caller's x comes back changed
NUMERICAL_GRADIENT_UNRESTORED = """
def numerical_gradient(f, x, dout=1.0, eps=1e-5):
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + eps
        plus = np.sum(f(x) * dout)
        flat_x[i] = old - eps
        minus = np.sum(f(x) * dout)
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad
"""

# works on a copy (the caller's x is safe) but never restores the copy's entries: right only
# for test functions whose every output entry depends on one input entry
NUMERICAL_GRADIENT_COPY_UNRESTORED = """
def numerical_gradient(f, x, dout=1.0, eps=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        flat_x[i] += eps
        plus = np.sum(f(x) * dout)
        flat_x[i] -= 2 * eps
        minus = np.sum(f(x) * dout)
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad
"""

# reports the absolute error: right for gradients of size 1, wrong for gradients in the thousands
GRADIENT_CHECK_ABSOLUTE = """
def gradient_check(f, x, analytic_dx, dout=1.0, eps=1e-5):
    numeric = numerical_gradient(f, x, dout, eps)
    return float(np.max(np.abs(np.asarray(analytic_dx, dtype=float) - numeric)))
"""

# one maximum for the whole batch: rows far below it underflow to exp(...) = 0
CROSS_ENTROPY_BATCH_MAX = """
def softmax_cross_entropy(logits, y):
    logits = np.asarray(logits, dtype=float)
    n = logits.shape[0]
    e = np.exp(logits - logits.max())
    probs = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(n), y]).mean()
    d = probs.copy()
    d[np.arange(n), y] -= 1
    return float(loss), d / n
"""

# right values, written into the caller's array
SOFTMAX_IN_PLACE = """
def softmax(x, axis=-1):
    x -= np.max(x, axis=axis, keepdims=True)
    np.exp(x, out=x)
    x /= x.sum(axis=axis, keepdims=True)
    return x
"""

# computes in float32: right to about 1e-7, but half the digits of a float64 result are gone
SOFTMAX_FLOAT32 = """
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=np.float32)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
"""

# right values, but a float32 input comes back as float64
RELU_FLOAT64 = """
def relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0.0)
"""

# pairs parameters and gradients by position, not by key
SGD_BY_POSITION = """
def sgd_step(params, grads, lr):
    for p, g in zip(params.values(), grads.values()):
        p -= lr * g
"""

# right values, but the counts come back as floats (true division by groups)
COST_FLOATS = """
def conv2d_cost(c_in, c_out, kernel_size, output_size, groups=1, bias=True):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    oh, ow = (output_size, output_size) if np.ndim(output_size) == 0 else output_size
    weights = c_out * (c_in / groups) * kh * kw
    return weights + (c_out if bias else 0), weights * oh * ow
"""

# compares the mode by identity: right only while the caller's string is the interned literal
CONVOLVE_MODE_IS = """
def convolve2d(x, k, mode="valid"):
    k = np.asarray(k, dtype=float)
    kh, kw = k.shape
    if mode is "valid":
        pads = (0, 0, 0, 0)
    elif mode is "full":
        pads = (kh - 1, kh - 1, kw - 1, kw - 1)
    elif mode is "same":
        pads = ((kh - 1) // 2, kh - 1 - (kh - 1) // 2, (kw - 1) // 2, kw - 1 - (kw - 1) // 2)
    else:
        raise ValueError(f"unknown mode {mode!r}")
    return corr2d(pad2d(np.asarray(x, dtype=float), pads), k[::-1, ::-1])
"""

WRONG = {
    "numerical gradient leaves x changed": (
        "backprop",
        "numerical_gradient",
        NUMERICAL_GRADIENT_UNRESTORED,
        "test_numerical_gradient",
        "your function changed its argument `x` (the caller's array): work on a copy",
    ),
    "numerical gradient never restores its copy": (
        "backprop",
        "numerical_gradient",
        NUMERICAL_GRADIENT_COPY_UNRESTORED,
        "test_numerical_gradient",
        "the numerical gradient differs",
    ),
    "gradient check reports the absolute error": (
        "backprop",
        "numerical_gradient",
        GRADIENT_CHECK_ABSOLUTE,
        "test_numerical_gradient",
        "a correct gradient must give a relative error below 1e-7",
    ),
    "cross-entropy subtracts the batch maximum": (
        "fully-connected",
        "softmax_cross_entropy",
        CROSS_ENTROPY_BATCH_MAX,
        "test_softmax_cross_entropy",
        "for logits of magnitude 1000 — subtract each row's maximum",
    ),
    "softmax writes into its input": (
        "activations",
        "softmax",
        SOFTMAX_IN_PLACE,
        "test_softmax",
        "your function changed its argument `x` (the caller's array): work on a copy",
    ),
    "softmax computes in float32": (
        "activations",
        "softmax",
        SOFTMAX_FLOAT32,
        "test_softmax",
        "dtype float32, expected float64",
    ),
    "relu turns float32 into float64": (
        "activations",
        "relu_family",
        RELU_FLOAT64,
        "test_relu_family",
        "the result has dtype float64, expected float32",
    ),
    "sgd pairs by position": ("architectures", "sgd_step", SGD_BY_POSITION, "test_sgd_step", ""),
    "convolve2d compares the mode with is": (
        "convolution",
        "convolve2d",
        CONVOLVE_MODE_IS,
        "test_convolve2d",
        "raised ValueError: unknown mode",
    ),
    "layer cost counted in floats": (
        "channels",
        "conv2d_cost",
        COST_FLOATS,
        "test_conv2d_cost",
        "where it should be an integer",
    ),
}


@pytest.mark.parametrize("name", WRONG)
def test_wrong_submission_loses_points_on_every_seed(course, tmp_path, name):
    slug, cell, code, component, phrase = WRONG[name]
    path = write_solved(course, slug, tmp_path, {cell: code})
    for seed in SEEDS:
        result = grade_notebook(path, slug, seed=seed)
        graded = next(c for c in result["components"] if c["name"] == component)
        assert graded["score"] < graded["max_score"], f"{name}: full marks on seed {seed}"
        messages = [case["message"] for case in graded["cases"] if not case["passed"]]
        assert any(phrase in m for m in messages), (seed, messages)


def test_the_nan_message_names_the_magnitude_and_the_remedy(course, tmp_path):
    path = write_solved(
        course, "fully-connected", tmp_path, {"softmax_cross_entropy": CROSS_ENTROPY_BATCH_MAX}
    )
    result = grade_notebook(path, "fully-connected", seed=3)
    graded = next(c for c in result["components"] if c["name"] == "test_softmax_cross_entropy")
    failed = [case["message"] for case in graded["cases"] if not case["passed"]]
    remedy = "for logits of magnitude 1000 — subtract each row's maximum, not the batch's"
    assert any(m.endswith((f"NaN {remedy}", f"inf {remedy}")) for m in failed), failed
    # the rows of ordinary scale are right: only the stability category is lost
    assert graded["score"] == graded["max_score"] - 2


# the properties hold for every assignment, so every assignment's correct notebook is checked
@pytest.mark.parametrize("slug", SLUGS)
def test_correct_submissions_keep_full_marks_on_ten_seeds(course, tmp_path, slug):
    path = write_solved(course, slug, tmp_path)
    for seed in SEEDS:
        result = grade_notebook(path, slug, seed=seed)
        assert result["score"] == result["max_score"], [
            (seed, c["name"], [case["message"] for case in c["cases"] if not case["passed"]])
            for c in result["components"]
            if c["status"] != "passed"
        ]


# --- the runner's argument check, without a sandbox -------------------------------------------


def softmax_into(x, axis=-1):
    x -= x.max(axis=axis, keepdims=True)
    return x


def replace_entry(params, grads, lr):
    params["w"] = params["w"] - lr * grads["w"]


def test_a_changed_array_is_named_by_its_parameter():
    x = np.arange(6.0).reshape(2, 3)
    held = hold_arguments((x,), {}, None, np)
    assert changed_argument(held, np) is None
    softmax_into(x)
    changed = changed_argument(held, np)
    assert name_argument(changed, softmax_into) == {"argument": "x", "how": "values"}


def test_dict_entries_and_round_off_are_seen():
    params, grads = {"w": np.ones(3)}, {"w": np.full(3, 0.5)}
    held = hold_arguments((params, grads, 0.1), {}, None, np)
    replace_entry(params, grads, 0.1)
    assert name_argument(changed_argument(held, np), replace_entry) == {
        "argument": "params",
        "how": "entries",
    }
    held = hold_arguments((params, grads, 0.1), {}, 0, np)  # params in place: grads checked
    grads["w"] += 1e-5
    grads["w"] -= 1e-5  # x + eps - eps is not always x: not for 0.5
    assert name_argument(changed_argument(held, np), replace_entry) == {
        "argument": "grads['w']",
        "how": "rounding",
    }
    nan = np.array([np.nan, 1.0])
    assert changed_argument(hold_arguments((nan,), {"dout": nan}, None, np), np) is None


def test_dtype_and_shape_changes_of_an_argument_are_reported():
    x = np.zeros((2, 3))
    held = hold_arguments((), {"x": x}, None, np)
    x.shape = (3, 2)
    assert changed_argument(held, np) == (("x", ()), "shape")


def test_hidden_tests_in_the_kernel_see_a_changed_argument_too(course, tmp_path):
    import warnings

    import nbformat

    from autograder.library import on_path, write_library

    namespace = {}
    nb = solved(
        nbformat.read(release_path("activations", course), as_version=4),
        nbformat.read(source_path("activations"), as_version=4),
        {"softmax": SOFTMAX_IN_PLACE},
    )
    # the given cells import the student library; save() cannot find exec'd source: no matter
    with on_path(write_library(tmp_path)) as cnnlib, warnings.catch_warnings():
        warnings.simplefilter("ignore", cnnlib.LibraryWarning)
        for cell in nb.cells:
            if cell.cell_type == "code" and not nbgrader_meta(cell).get("grade"):
                exec(cell.source, namespace)
    with pytest.raises(AssertionError, match="changed its argument `x`"):
        check_in_kernel("activations", "test_softmax", namespace, seed=1)
    check_in_kernel("activations", "test_relu_family", namespace, seed=1)  # right: silent
