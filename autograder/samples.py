"""Deliberate mistakes, one per solution cell, and the sample submissions built from them.

Each mistake is a classic misconception, planted by redefining one function after the
correct solution code. The project's tests check that every one of them fails its own
visible test cell; ``make samples`` builds, per assignment, a fully correct submission, a
partially correct one (its first mistake planted) and an untouched one.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import nbformat

from autograder.course import COURSE_DIR, REPO, SLUGS, release_path, solved, source_path

SAMPLES_DIR = REPO / "samples"

# slug -> solution cell grade_id -> (the misconception, code that redefines one function)
MISTAKES: dict[str, dict[str, tuple[str, str]]] = {
    "convolution": {
        "corr2d": (
            "flips the kernel (a true convolution instead of a cross-correlation)",
            """
def corr2d(x, k):
    k = np.asarray(k, dtype=float)[::-1, ::-1]
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kw] * k)
    return out
""",
        ),
        "pad2d": (
            "pads on one side only (all the zeros at the bottom and right)",
            """
def pad2d(x, padding):
    x = np.asarray(x)
    p = padding if np.ndim(padding) == 0 else max(padding)
    out = np.zeros(x.shape[:-2] + (x.shape[-2] + 2 * p, x.shape[-1] + 2 * p), dtype=x.dtype)
    out[..., : x.shape[-2], : x.shape[-1]] = x
    return out
""",
        ),
        "convolve2d": (
            "forgets to flip the kernel",
            """
def convolve2d(x, k, mode="valid"):
    k = np.asarray(k, dtype=float)
    kh, kw = k.shape
    pads = {"valid": (0, 0, 0, 0), "full": (kh - 1, kh - 1, kw - 1, kw - 1),
            "same": ((kh - 1) // 2, kh - 1 - (kh - 1) // 2, (kw - 1) // 2, kw - 1 - (kw - 1) // 2)}[mode]
    return corr2d(pad2d(np.asarray(x, dtype=float), pads), k)
""",
        ),
        "conv_output_size": (
            "off by one: forgets the + 1",
            """
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride
""",
        ),
    },
    "channels": {
        "conv2d": (
            "adds the bias once per input channel",
            """
_correct_conv2d = conv2d
def conv2d(x, w, b=None, stride=1, padding=0):
    out = _correct_conv2d(x, w, None, stride, padding)
    return out if b is None else out + np.shape(x)[1] * np.asarray(b)[None, :, None, None]
""",
        ),
        "conv1x1": (
            "forgets the bias",
            """
def conv1x1(x, w, b=None):
    n_batch, c_in, h, width = np.shape(x)
    return (np.asarray(w) @ np.asarray(x).reshape(n_batch, c_in, h * width)).reshape(n_batch, -1, h, width)
""",
        ),
        "conv2d_cost": (
            "forgets the biases in the parameter count",
            """
_correct_cost = conv2d_cost
def conv2d_cost(c_in, c_out, kernel_size, output_size, groups=1, bias=True):
    return _correct_cost(c_in, c_out, kernel_size, output_size, groups, bias=False)
""",
        ),
    },
    "dilation": {
        "conv2d": (
            "applies the dilation to the input (skips input rows) instead of the kernel",
            """
_correct_conv2d = conv2d
def conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    xd = np.asarray(x, dtype=float)[:, :, ::dilation, ::dilation]
    return _correct_conv2d(xd, w, b, stride, padding, 1)
""",
        ),
        "receptive_field": (
            "forgets that strides multiply the jump",
            """
def receptive_field(layers):
    r = 1
    for layer in layers:
        d = layer[2] if len(layer) > 2 else 1
        r += d * (layer[0] - 1)
    return r
""",
        ),
    },
    "separable": {
        "conv2d": (
            "gives every output channel the first group's input channels",
            """
_correct_conv2d = conv2d
def conv2d(x, w, b=None, stride=1, padding=0, groups=1):
    x = np.asarray(x, dtype=float)
    cg = np.shape(w)[1]
    first = np.concatenate([x[:, :cg]] * groups, axis=1)
    return _correct_conv2d(first, w, b, stride, padding, groups)
""",
        ),
        "separable": (
            "mixes the channels before filtering them (pointwise first)",
            """
def separable_conv2d(x, w_depthwise, w_pointwise, b_depthwise=None, b_pointwise=None, stride=1, padding=0):
    mixed = pointwise_conv2d(x, np.ones((np.shape(x)[1], np.shape(x)[1], 1, 1)) / np.shape(x)[1])
    return pointwise_conv2d(depthwise_conv2d(mixed, w_depthwise, b_depthwise, stride, padding), w_pointwise, b_pointwise)
""",
        ),
    },
    "activations": {
        "relu_family": (
            "gives ReLU a gradient of 1 at x = 0",
            """
def relu_backward(dout, x):
    return dout * (x >= 0)
""",
        ),
        "prelu": (
            "sums dout * x over every cell for dalpha, not only where x <= 0",
            """
_correct_prelu_backward = prelu_backward
def prelu_backward(dout, x, alpha):
    dx, _ = _correct_prelu_backward(dout, x, alpha)
    return dx, (dout * x).sum(axis=(0,) + tuple(range(2, np.ndim(x))))
""",
        ),
        "sigmoid_tanh": (
            "multiplies by the activation instead of its derivative",
            """
def tanh_backward(dout, x):
    return dout * np.tanh(x)
""",
        ),
        "maxout": (
            "sends the gradient to every channel of the group",
            """
def maxout_backward(dout, x, k):
    return np.repeat(np.asarray(dout), k, axis=1)
""",
        ),
        "softmax": (
            "does not subtract the maximum, so large scores overflow",
            """
def softmax(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)
""",
        ),
    },
    "pooling": {
        "pool_forward": (
            "divides average pooling by the unpadded count",
            """
def avg_pool2d(x, kernel_size, stride=None, padding=0):
    k, s = kernel_size, kernel_size if stride is None else stride
    x = np.asarray(x, dtype=float)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ones = np.pad(np.ones_like(x), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho, wo = (xp.shape[2] - k) // s + 1, (xp.shape[3] - k) // s + 1
    out = np.empty(xp.shape[:2] + (ho, wo))
    for i in range(ho):
        for j in range(wo):
            win = (slice(None), slice(None), slice(i * s, i * s + k), slice(j * s, j * s + k))
            out[:, :, i, j] = xp[win].sum(axis=(2, 3)) / ones[win].sum(axis=(2, 3))
    return out
""",
        ),
        "pool_backward": (
            "copies the max-pool gradient to every cell of the window",
            """
def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    return avg_pool2d_backward(dout, x, kernel_size, stride, padding) * kernel_size**2
""",
        ),
    },
    "fully-connected": {
        "linear": (
            "swaps dx and dw",
            """
def linear_backward(dout, x, w):
    dout = np.asarray(dout)
    return dout.T @ x, dout @ w, dout.sum(axis=0)
""",
        ),
        "softmax_cross_entropy": (
            "forgets to average the gradient over the batch",
            """
_correct_sce = softmax_cross_entropy
def softmax_cross_entropy(logits, y):
    loss, d = _correct_sce(logits, y)
    return loss, d * len(y)
""",
        ),
        "mse_loss": (
            "forgets the factor 2 of the derivative",
            """
def mse_loss(pred, target):
    diff = np.asarray(pred, dtype=float) - np.asarray(target, dtype=float)
    return float(np.mean(diff**2)), diff / diff.size
""",
        ),
    },
    "backprop": {
        "numerical_gradient": (
            "uses a one-sided difference, far less accurate",
            """
def numerical_gradient(f, x, dout=1.0, eps=1e-5):
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    base = np.sum(f(x) * dout)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + eps
        flat_grad[i] = (np.sum(f(x) * dout) - base) / eps
        flat_x[i] = old
    return grad
""",
        ),
        "conv2d_backward": (
            "does not sum the weight gradient over the batch",
            """
_correct_backward = conv2d_backward
def conv2d_backward(dout, x, w, stride=1, padding=0):
    dx, _, db = _correct_backward(dout, x, w, stride, padding)
    _, dw_first, _ = _correct_backward(dout[:1], x[:1], w, stride, padding)
    return dx, dw_first, db
""",
        ),
    },
    "architectures": {
        "lenet5_forward": (
            "squashes the output logits with a sigmoid too",
            """
_correct_lenet = lenet5_forward
def lenet5_forward(x, params):
    return sigmoid(_correct_lenet(x, params))
""",
        ),
        "residual_block": (
            "forgets the ReLU after the sum",
            """
def residual_block(x, w1, w2, w_shortcut=None, stride=1):
    main = conv2d(relu(conv2d(x, w1, stride=stride, padding=1)), w2, padding=1)
    return main + (x if w_shortcut is None else conv2d(x, w_shortcut, stride=stride))
""",
        ),
        "count_parameters": (
            "counts no biases in linear layers",
            """
_correct_count = count_parameters
def count_parameters(spec):
    return _correct_count(spec) - sum(layer[2] for layer in spec if layer[0] == "linear")
""",
        ),
        "sgd_step": (
            "replaces the arrays instead of updating them in place",
            """
def sgd_step(params, grads, lr):
    for key in params:
        params[key] = params[key] - lr * grads[key]
""",
        ),
    },
}


def sample_notebooks(slug: str, course_dir: Path = COURSE_DIR) -> dict[str, nbformat.NotebookNode]:
    """{"correct", "partial", "untouched"} submissions of one assignment."""
    release_nb = nbformat.read(release_path(slug, course_dir), as_version=4)
    source_nb = nbformat.read(source_path(slug, course_dir), as_version=4)
    first_cell, (_, code) = next(iter(MISTAKES[slug].items()))
    return {
        "correct": solved(release_nb, source_nb),
        "partial": solved(release_nb, source_nb, {first_cell: code}),
        "untouched": release_nb,
    }


def build_samples(out_dir: Path = SAMPLES_DIR, course_dir: Path = COURSE_DIR) -> list[Path]:
    """Write samples/<slug>/<kind>/<slug>.ipynb for every assignment (the student notebooks
    must exist: ``make exercises``)."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    written = []
    (out_dir / "results").mkdir(parents=True)
    for slug in SLUGS:
        for kind, nb in sample_notebooks(slug, course_dir).items():
            path = out_dir / slug / kind / f"{slug}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the sample submissions into samples/.")
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR)
    args = parser.parse_args(argv)
    paths = build_samples(args.out)
    print(
        f"{len(paths)} sample submissions in {args.out}/<assignment>/{{correct,partial,untouched}}/"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
