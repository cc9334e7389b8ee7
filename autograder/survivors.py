"""The mutants of the reference solutions that survived the grader, and what became of them.

A survivor of ``python -m autograder.mutation`` either got a new check in
``autograder/checks/<slug>.py`` (``KILLED``: the check that kills it now, which the report
verifies) or computes the same function as the reference on every valid input
(``EQUIVALENT``: the argument, in one line). A mutant is named by its solution cell and its
edited line, before and after (as in ``MUTATION.md``; whitespace is ignored).
"""

from __future__ import annotations

from typing import NamedTuple


class Survivor(NamedTuple):
    cell: str
    before: str
    after: str
    why: str  # the argument that it is equivalent, or the check that kills it


PADS = "pads = ((kh - 1) // 2, kh - 1 - (kh - 1) // 2, (kw - 1) // 2, kw - 1 - (kw - 1) // 2)"
MODE_ORDER = "the three valid modes sort as full < same < valid, so every mode takes its own branch"

AT_ZERO = "the branches meet at x = 0 (both give 0), so either may take it"
ELU_BRANCH = "this branch is taken only where x <= 0, where minimum(x, 1) = minimum(x, 0) = x"
NEGATIVE_RESHAPE = "numpy reads any negative length in reshape as the one inferred axis, as -1"

BIG_ENOUGH = (
    "the buffer still has at least h + padding rows (w + padding columns): past them lies only "
    "bottom/right padding, whose gradient the final slice discards (numpy clips the window)"
)

COL2IM_BUFFER = "xp = np.zeros((n, c, h + 2 * padding, w + 2 * padding), dtype=cols.dtype)"
BUFFER_AT_LEAST = (
    "for every h >= 1 and padding >= 0 the buffer still has at least h + 2 * padding rows "
    "(w + 2 * padding columns): the windows never reach past them and the final slice drops the rest"
)
SQUARE_KERNEL = "conv_w is (F, C, k, k): its last two lengths are equal"
PADDING_3 = "test_im2col: col2im with padding 3 and stride 1 (windows reach the last padded row), odd height"
WIDE_IM2COL = "test_im2col: 5 channels with a 2 x 2 kernel, 5 images of one window each"
ODD_KERNEL = (
    "test_conv2d_im2col: a 3 x 2 kernel on a 7 x 5 input with padding 3, forward and backward"
)
LOW_BETA2 = "test_adam_step: beta2 = 0.3 (below 0.5, 1 % beta2 is not 1 - beta2)"

EQUIVALENT: dict[str, list[Survivor]] = {
    "convolution": [
        Survivor(
            "convolve2d",
            PADS,
            PADS.replace("((kh - 1) // 2", "((kh - 1) / 2"),
            "pad2d takes int() of each padding, and int((kh - 1) / 2) = (kh - 1) // 2 for kh >= 1",
        ),
        Survivor(
            "convolve2d",
            PADS,
            PADS.replace(", (kw - 1) // 2,", ", (kw - 1) / 2,"),
            "pad2d takes int() of each padding, and int((kw - 1) / 2) = (kw - 1) // 2 for kw >= 1",
        ),
        Survivor(
            "pad2d",
            "if np.ndim(padding) == 0:",
            "if np.ndim(padding) <= 0:",
            "np.ndim is never negative",
        ),
        Survivor(
            "pad2d",
            "elif len(padding) == 2:",
            "elif len(padding) <= 2:",
            "a padding that is not an int has 2 or 4 entries: lengths 0 and 1 are not valid",
        ),
        Survivor("convolve2d", 'if mode == "valid":', 'if mode >= "valid":', MODE_ORDER),
        Survivor("convolve2d", 'elif mode == "full":', 'elif mode <= "full":', MODE_ORDER),
        Survivor("convolve2d", 'elif mode == "same":', 'elif mode <= "same":', MODE_ORDER),
        Survivor("convolve2d", 'elif mode == "same":', 'elif mode >= "same":', MODE_ORDER),
    ],
    "channels": [
        Survivor(
            "conv2d_cost",
            "kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size",
            "kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) <= 0 else kernel_size",
            "np.ndim is never negative",
        ),
        Survivor(
            "conv2d_cost",
            "oh, ow = (output_size, output_size) if np.ndim(output_size) == 0 else output_size",
            "oh, ow = (output_size, output_size) if np.ndim(output_size) <= 0 else output_size",
            "np.ndim is never negative",
        ),
    ],
    "dilation": [
        Survivor(
            "receptive_field",
            "s = layer[1] if len(layer) > 1 else 1",
            "s = layer[1] if len(layer) != 1 else 1",
            "a layer is (k,), (k, s) or (k, s, d): len > 1 and len != 1 agree on all three",
        ),
    ],
    "separable": [
        Survivor(
            "conv2d",
            "xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))",
            "xp = np.pad(x, ((0, 0), (0, 1), (padding, padding), (padding, padding)))",
            "the extra zero channel comes after the last group's slice (c_in = groups * cg): never read",
        ),
    ],
    "activations": [
        Survivor(
            "relu_family",
            "return np.where(x > 0, x, alpha * x)",
            "return np.where(x >= 0, x, alpha * x)",
            AT_ZERO,
        ),
        Survivor(
            "relu_family",
            "return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))",
            "return np.where(x >= 0, x, alpha * np.expm1(np.minimum(x, 0)))",
            AT_ZERO,
        ),
        Survivor(
            "relu_family",
            "return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))",
            "return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 1)))",
            ELU_BRANCH,
        ),
        Survivor(
            "relu_family",
            "return np.where(x > 0, dout, dout * alpha * np.exp(np.minimum(x, 0)))",
            "return np.where(x > 0, dout, dout * alpha * np.exp(np.minimum(x, 1)))",
            ELU_BRANCH,
        ),
        Survivor(
            "prelu",
            "return np.where(x > 0, x, a * x)",
            "return np.where(x >= 0, x, a * x)",
            AT_ZERO,
        ),
        Survivor(
            "prelu",
            "dalpha = np.where(x > 0, 0.0, dout * x).sum(axis=axes)",
            "dalpha = np.where(x >= 0, 0.0, dout * x).sum(axis=axes)",
            "at x = 0 the other branch adds dout * 0 = 0 to dalpha",
        ),
        Survivor(
            "sigmoid_tanh",
            "return np.where(x >= 0, 1 / (1 + e), e / (1 + e))",
            "return np.where(x > 0, 1 / (1 + e), e / (1 + e))",
            "at x = 0, e = 1 and both branches give 1 / 2",
        ),
        Survivor(
            "prelu",
            "a = np.asarray(alpha).reshape((1, -1) + (1,) * (np.ndim(x) - 2))",
            "a = np.asarray(alpha).reshape((1, ~1) + (1,) * (np.ndim(x) - 2))",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "prelu",
            "a = np.asarray(alpha).reshape((1, -1) + (1,) * (np.ndim(x) - 2))",
            "a = np.asarray(alpha).reshape((1, - 2) + (1,) * (np.ndim(x) - 2))",
            NEGATIVE_RESHAPE,
        ),
    ],
    "pooling": [
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h << 2 * padding, w + 2 * padding))",
            BIG_ENOUGH,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w << 2 * padding))",
            BIG_ENOUGH,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 + padding, w + 2 * padding))",
            BIG_ENOUGH,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 + padding))",
            BIG_ENOUGH,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 ** padding, w + 2 * padding))",
            BIG_ENOUGH,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 ** padding))",
            BIG_ENOUGH,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 << padding, w + 2 * padding))",
            BIG_ENOUGH,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 << padding))",
            BIG_ENOUGH,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 3 * padding, w + 2 * padding))",
            BIG_ENOUGH,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 1 * padding, w + 2 * padding))",
            BIG_ENOUGH,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 3 * padding))",
            BIG_ENOUGH,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 1 * padding))",
            BIG_ENOUGH,
        ),
    ],
    "fully-connected": [
        Survivor(
            "linear",
            "return x.reshape(x.shape[0], -1)",
            "return x.reshape(x.shape[0], ~1)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "linear",
            "return x.reshape(x.shape[0], -1)",
            "return x.reshape(x.shape[0], - 2)",
            NEGATIVE_RESHAPE,
        ),
    ],
    "backprop": [
        Survivor(
            "numerical_gradient",
            "flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)",
            "flat_x, flat_grad = x.reshape(~1), grad.reshape(-1)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "numerical_gradient",
            "flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)",
            "flat_x, flat_grad = x.reshape(-1), grad.reshape(~1)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "numerical_gradient",
            "flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)",
            "flat_x, flat_grad = x.reshape(- 2), grad.reshape(-1)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "numerical_gradient",
            "flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)",
            "flat_x, flat_grad = x.reshape(-1), grad.reshape(- 2)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "numerical_gradient",
            "return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))",
            "return float(np.max(np.abs(a - b) / np.maximum( -0.99999999, np.abs(a) + np.abs(b))))",
            "the floor only acts where |a| + |b| = 0, where a - b = 0 too: 0 / -0.99999999 = 0",
        ),
    ],
    "architectures": [
        Survivor(
            "count_parameters",
            'elif layer[0] == "bn":',
            'elif layer[0] <= "bn":',
            "the three layer kinds sort as bn < conv < linear, so every kind takes its own branch",
        ),
        Survivor(
            "count_parameters",
            'elif layer[0] == "linear":',
            'elif layer[0] >= "linear":',
            "the three layer kinds sort as bn < conv < linear, so every kind takes its own branch",
        ),
        Survivor(
            "count_parameters",
            'elif layer[0] == "bn":',
            'elif layer[0] >= "bn":',
            "the three layer kinds sort as bn < conv < linear, so every kind takes its own branch",
        ),
        Survivor(
            "lenet5_forward",
            "h = h.reshape(h.shape[0], -1)",
            "h = h.reshape(h.shape[0], ~1)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "lenet5_forward",
            "h = h.reshape(h.shape[0], -1)",
            "h = h.reshape(h.shape[0], - 2)",
            NEGATIVE_RESHAPE,
        ),
    ],
    "training": [
        Survivor(
            "im2col",
            COL2IM_BUFFER,
            "xp = np.zeros((n, c, h << 2 * padding, w + 2 * padding), dtype=cols.dtype)",
            BUFFER_AT_LEAST,
        ),
        Survivor(
            "im2col",
            COL2IM_BUFFER,
            "xp = np.zeros((n, c, h + 2 * padding, w << 2 * padding), dtype=cols.dtype)",
            BUFFER_AT_LEAST,
        ),
        Survivor(
            "im2col",
            COL2IM_BUFFER,
            "xp = np.zeros((n, c, h + 2 ** padding, w + 2 * padding), dtype=cols.dtype)",
            BUFFER_AT_LEAST,
        ),
        Survivor(
            "im2col",
            COL2IM_BUFFER,
            "xp = np.zeros((n, c, h + 2 * padding, w + 2 ** padding), dtype=cols.dtype)",
            BUFFER_AT_LEAST,
        ),
        Survivor(
            "im2col",
            COL2IM_BUFFER,
            "xp = np.zeros((n, c, h + 2 << padding, w + 2 * padding), dtype=cols.dtype)",
            BUFFER_AT_LEAST,
        ),
        Survivor(
            "im2col",
            COL2IM_BUFFER,
            "xp = np.zeros((n, c, h + 2 * padding, w + 2 << padding), dtype=cols.dtype)",
            BUFFER_AT_LEAST,
        ),
        Survivor(
            "im2col",
            COL2IM_BUFFER,
            "xp = np.zeros((n, c, h + 3 * padding, w + 2 * padding), dtype=cols.dtype)",
            BUFFER_AT_LEAST,
        ),
        Survivor(
            "im2col",
            COL2IM_BUFFER,
            "xp = np.zeros((n, c, h + 2 * padding, w + 3 * padding), dtype=cols.dtype)",
            BUFFER_AT_LEAST,
        ),
        Survivor(
            "conv2d_im2col",
            "out = w.reshape(c_out, -1) @ im2col(x, kh, kw, stride, padding)  # (C_out, N * H_out * W_out)",
            "out = w.reshape(c_out, ~1) @ im2col(x, kh, kw, stride, padding)  # (C_out, N * H_out * W_out)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "conv2d_im2col",
            "out = w.reshape(c_out, -1) @ im2col(x, kh, kw, stride, padding)  # (C_out, N * H_out * W_out)",
            "out = w.reshape(c_out, - 2) @ im2col(x, kh, kw, stride, padding)  # (C_out, N * H_out * W_out)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "conv2d_im2col",
            "d = dout.transpose(1, 0, 2, 3).reshape(c_out, -1)  # (C_out, N * H_out * W_out)",
            "d = dout.transpose(1, 0, 2, 3).reshape(c_out, ~1)  # (C_out, N * H_out * W_out)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "conv2d_im2col",
            "d = dout.transpose(1, 0, 2, 3).reshape(c_out, -1)  # (C_out, N * H_out * W_out)",
            "d = dout.transpose(1, 0, 2, 3).reshape(c_out, - 2)  # (C_out, N * H_out * W_out)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "conv2d_im2col",
            "dx = col2im(w.reshape(c_out, -1).T @ d, x.shape, kh, kw, stride, padding)",
            "dx = col2im(w.reshape(c_out, ~1).T @ d, x.shape, kh, kw, stride, padding)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "conv2d_im2col",
            "dx = col2im(w.reshape(c_out, -1).T @ d, x.shape, kh, kw, stride, padding)",
            "dx = col2im(w.reshape(c_out, - 2).T @ d, x.shape, kh, kw, stride, padding)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "convnet",
            'h = relu(linear(h.reshape(h.shape[0], -1), params["fc1_w"], params["fc1_b"]))',
            'h = relu(linear(h.reshape(h.shape[0], ~1), params["fc1_w"], params["fc1_b"]))',
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "convnet",
            'h = relu(linear(h.reshape(h.shape[0], -1), params["fc1_w"], params["fc1_b"]))',
            'h = relu(linear(h.reshape(h.shape[0], - 2), params["fc1_w"], params["fc1_b"]))',
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "convnet",
            "f = p1.reshape(p1.shape[0], -1)",
            "f = p1.reshape(p1.shape[0], ~1)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "convnet",
            "f = p1.reshape(p1.shape[0], -1)",
            "f = p1.reshape(p1.shape[0], - 2)",
            NEGATIVE_RESHAPE,
        ),
        Survivor(
            "convnet",
            'h = max_pool2d(relu(conv2d_im2col(x, w, params["conv_b"], padding=w.shape[2] // 2)), 2)',
            'h = max_pool2d(relu(conv2d_im2col(x, w, params["conv_b"], padding=w.shape[ 3] // 2)), 2)',
            SQUARE_KERNEL,
        ),
        Survivor("convnet", "pad = w.shape[2] // 2", "pad = w.shape[ 3] // 2", SQUARE_KERNEL),
    ],
}

SHORT_FORMS = "test_receptive_field: stacks mixing (k,), (k, s) and (k, s, d) layers"

NEAR_KINK = "test_relu_family: inputs on both sides of the kink closer than 1, in every draw"
PRELU_AXES = "test_prelu: inputs of 2, 3 and 5 axes, (N, C) to (N, C, D, H, W)"

PADDING_2_3 = "test_pool_backward: paddings 2 and 3 (kernels of 4 to 6) on sizes 5, 7, 8 and 9"

RELATIVE = "test_numerical_gradient: gradient checks of gradients 10% off, ~1e-3 and ~1e4 in size"

FRESH_MODE = "test_convolve2d: the mode also passed as a string built at run time (not interned)"

FRESH_KINDS = (
    "test_count_parameters: a spec whose layer kinds are strings read at run time (not interned)"
)

KILLED: dict[str, list[Survivor]] = {
    "convolution": [
        Survivor(
            "convolve2d",
            PADS,
            PADS.replace("kh - 1 - (kh - 1) // 2", "kh - 1 >> (kh - 1) // 2"),
            "test_convolve2d: kernels of 4 and 5 rows and columns in every mode",
        ),
        Survivor(
            "convolve2d",
            PADS,
            PADS.replace("kw - 1 - (kw - 1) // 2", "kw - 1 >> (kw - 1) // 2"),
            "test_convolve2d: kernels of 4 and 5 rows and columns in every mode",
        ),
        Survivor(
            "convolve2d",
            'elif mode == "same":',
            'elif mode is not "same":',
            "the sandbox passes strings interned, as literals in a call are: `is not` fails",
        ),
        Survivor(
            "convolve2d",
            'if mode == "valid":',
            'if mode is "valid":',
            FRESH_MODE,
        ),
        Survivor(
            "convolve2d",
            'elif mode == "full":',
            'elif mode is "full":',
            FRESH_MODE,
        ),
        Survivor(
            "convolve2d",
            'elif mode == "same":',
            'elif mode is "same":',
            FRESH_MODE,
        ),
    ],
    "channels": [
        Survivor(
            "conv2d_cost",
            "weights = c_out * (c_in // groups) * kh * kw",
            "weights = c_out * (c_in / groups) * kh * kw",
            "every component: a float where the reference gives an integer fails",
        ),
        Survivor(
            "conv2d_cost",
            "kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size",
            "kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) >= 0 else kernel_size",
            "test_conv2d_cost: kernel sizes given as a pair (kh != kw)",
        ),
    ],
    "dilation": [
        Survivor(
            "receptive_field",
            "s = layer[1] if len(layer) > 1 else 1",
            "s = layer[1] if len(layer) >= 1 else 1",
            SHORT_FORMS,
        ),
        Survivor(
            "receptive_field",
            "s = layer[1] if len(layer) > 1 else 1",
            "s = layer[1] if len(layer) > 2 else 1",
            SHORT_FORMS,
        ),
        Survivor(
            "receptive_field",
            "s = layer[1] if len(layer) > 1 else 1",
            "s = layer[1] if len(layer) > 0 else 1",
            SHORT_FORMS,
        ),
        Survivor(
            "receptive_field",
            "s = layer[1] if len(layer) > 1 else 1",
            "s = layer[1] if len(layer) > 1 else 2",
            SHORT_FORMS,
        ),
        Survivor(
            "receptive_field",
            "s = layer[1] if len(layer) > 1 else 1",
            "s = layer[1] if len(layer) > 1 else 0",
            SHORT_FORMS,
        ),
        Survivor(
            "receptive_field",
            "d = layer[2] if len(layer) > 2 else 1",
            "d = layer[2] if len(layer) != 2 else 1",
            SHORT_FORMS,
        ),
        Survivor(
            "receptive_field",
            "d = layer[2] if len(layer) > 2 else 1",
            "d = layer[2] if len(layer) >= 2 else 1",
            SHORT_FORMS,
        ),
        Survivor(
            "receptive_field",
            "d = layer[2] if len(layer) > 2 else 1",
            "d = layer[2] if len(layer) > 1 else 1",
            SHORT_FORMS,
        ),
        Survivor(
            "receptive_field",
            "d = layer[2] if len(layer) > 2 else 1",
            "d = layer[2] if len(layer) > 2 else 2",
            SHORT_FORMS,
        ),
        Survivor(
            "receptive_field",
            "d = layer[2] if len(layer) > 2 else 1",
            "d = layer[2] if len(layer) > 2 else 0",
            SHORT_FORMS,
        ),
    ],
    "activations": [
        Survivor("relu_family", "return dout * (x > 0)", "return dout * (x > 1)", NEAR_KINK),
        Survivor(
            "relu_family",
            "return np.where(x > 0, x, alpha * x)",
            "return np.where(x > 1, x, alpha * x)",
            NEAR_KINK,
        ),
        Survivor(
            "relu_family",
            "return np.where(x > 0, dout, alpha * dout)",
            "return np.where(x > 1, dout, alpha * dout)",
            NEAR_KINK,
        ),
        Survivor(
            "relu_family",
            "return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))",
            "return np.where(x > 1, x, alpha * np.expm1(np.minimum(x, 0)))",
            NEAR_KINK,
        ),
        Survivor(
            "relu_family",
            "return np.where(x > 0, dout, dout * alpha * np.exp(np.minimum(x, 0)))",
            "return np.where(x > 1, dout, dout * alpha * np.exp(np.minimum(x, 0)))",
            NEAR_KINK,
        ),
        Survivor(
            "prelu",
            "a = np.asarray(alpha).reshape((1, -1) + (1,) * (np.ndim(x) - 2))",
            "a = np.asarray(alpha).reshape((1, -1) + (1,) * (np.ndim(x) // 2))",
            PRELU_AXES,
        ),
    ],
    "pooling": [
        Survivor(
            "pool_backward",
            "return dxp[:, :, padding : padding + x.shape[2], padding : padding + x.shape[3]]",
            "return dxp[:, :, padding : padding + x.shape[2], padding : padding | x.shape[3]]",
            PADDING_2_3,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w | 2 * padding))",
            PADDING_2_3,
        ),
        Survivor(
            "pool_backward",
            "return dxp[:, :, padding : padding + h, padding : padding + w]",
            "return dxp[:, :, padding : padding + h, padding : padding | w]",
            PADDING_2_3,
        ),
        Survivor(
            "pool_backward",
            "return dxp[:, :, padding : padding + x.shape[2], padding : padding + x.shape[3]]",
            "return dxp[:, :, padding : padding + x.shape[2], padding : padding ^ x.shape[3]]",
            PADDING_2_3,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w ^ 2 * padding))",
            PADDING_2_3,
        ),
        Survivor(
            "pool_backward",
            "return dxp[:, :, padding : padding + h, padding : padding + w]",
            "return dxp[:, :, padding : padding + h, padding : padding ^ w]",
            PADDING_2_3,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 - padding, w + 2 * padding))",
            PADDING_2_3,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 - padding))",
            PADDING_2_3,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 | padding, w + 2 * padding))",
            PADDING_2_3,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 | padding))",
            PADDING_2_3,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 ^ padding, w + 2 * padding))",
            PADDING_2_3,
        ),
        Survivor(
            "pool_backward",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 * padding))",
            "dxp = np.zeros(np.shape(x)[:2] + (h + 2 * padding, w + 2 ^ padding))",
            PADDING_2_3,
        ),
    ],
    "backprop": [
        Survivor(
            "numerical_gradient",
            "return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))",
            "return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) * np.abs(b))))",
            RELATIVE,
        ),
        Survivor(
            "numerical_gradient",
            "return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))",
            "return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) ** np.abs(b))))",
            RELATIVE,
        ),
        Survivor(
            "conv2d_backward",
            "dx = dxp[:, :, padding : padding + x.shape[2], padding : padding + x.shape[3]]",
            "dx = dxp[:, :, padding : padding + x.shape[2], padding : padding | x.shape[3]]",
            "test_conv2d_backward: an input of odd width (7) with paddings 1 and 2",
        ),
        Survivor(
            "conv2d_backward",
            "dx = dxp[:, :, padding : padding + x.shape[2], padding : padding + x.shape[3]]",
            "dx = dxp[:, :, padding : padding + x.shape[2], padding : padding ^ x.shape[3]]",
            "test_conv2d_backward: an input of odd width (7) with paddings 1 and 2",
        ),
        Survivor(
            "numerical_gradient",
            "return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))",
            "return float(np.max(np.abs(a - b) // np.maximum(1e-8, np.abs(a) + np.abs(b))))",
            RELATIVE,
        ),
        Survivor(
            "numerical_gradient",
            "return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))",
            "return float(np.max(np.abs(a - b) / np.maximum( 1.00000001, np.abs(a) + np.abs(b))))",
            RELATIVE,
        ),
    ],
    "architectures": [
        Survivor(
            "count_parameters",
            'elif layer[0] == "bn":',
            'elif layer[0] is not "bn":',
            "strings passed interned, as literals in the notebook are: `is not` fails",
        ),
        Survivor(
            "lenet5_forward",
            'h = sigmoid(h @ params["7.weight"].T + params["7.bias"])',
            'h = sigmoid(h @ params["7.weight"].T - params["7.bias"])',
            "test_lenet5_forward: a case with random biases (the initialisation zeroes them)",
        ),
        Survivor(
            "lenet5_forward",
            'h = sigmoid(h @ params["9.weight"].T + params["9.bias"])',
            'h = sigmoid(h @ params["9.weight"].T - params["9.bias"])',
            "test_lenet5_forward: a case with random biases (the initialisation zeroes them)",
        ),
        Survivor(
            "lenet5_forward",
            'return h @ params["11.weight"].T + params["11.bias"]',
            'return h @ params["11.weight"].T - params["11.bias"]',
            "test_lenet5_forward: a case with random biases (the initialisation zeroes them)",
        ),
        Survivor(
            "count_parameters",
            'if layer[0] == "conv":',
            'if layer[0] is "conv":',
            FRESH_KINDS,
        ),
        Survivor(
            "count_parameters",
            'elif layer[0] == "linear":',
            'elif layer[0] is "linear":',
            FRESH_KINDS,
        ),
        Survivor(
            "count_parameters",
            'elif layer[0] == "bn":',
            'elif layer[0] is "bn":',
            FRESH_KINDS,
        ),
    ],
    "training": [
        Survivor(
            "im2col",
            COL2IM_BUFFER,
            "xp = np.zeros((n, c, h + 2 + padding, w + 2 * padding), dtype=cols.dtype)",
            PADDING_3,
        ),
        Survivor(
            "im2col",
            COL2IM_BUFFER,
            "xp = np.zeros((n, c, h + 2 * padding, w + 2 + padding), dtype=cols.dtype)",
            PADDING_3,
        ),
        Survivor(
            "im2col",
            "return xp[:, :, padding : padding + h, padding : padding + w]",
            "return xp[:, :, padding : padding + h, padding : padding | w]",
            PADDING_3,
        ),
        Survivor(
            "im2col",
            "return xp[:, :, padding : padding + h, padding : padding + w]",
            "return xp[:, :, padding : padding + h, padding : padding ^ w]",
            PADDING_3,
        ),
        Survivor(
            "im2col",
            "return cols.reshape(c * kh * kw, n * ho * wo)",
            "return cols.reshape(c - kh * kw, n * ho * wo)",
            WIDE_IM2COL,
        ),
        Survivor(
            "im2col",
            "return cols.reshape(c * kh * kw, n * ho * wo)",
            "return cols.reshape(c * kh * kw, n - ho * wo)",
            WIDE_IM2COL,
        ),
        Survivor(
            "conv2d_im2col",
            "n, c_out, kh, kw = x.shape[0], w.shape[0], w.shape[2], w.shape[3]",
            "n, c_out, kh, kw = x.shape[0], w.shape[0], w.shape[ 3], w.shape[3]",
            ODD_KERNEL,
        ),
        Survivor(
            "conv2d_im2col",
            "n, c_out, kh, kw = x.shape[0], w.shape[0], w.shape[2], w.shape[3]",
            "n, c_out, kh, kw = x.shape[0], w.shape[0], w.shape[2], w.shape[ 2]",
            ODD_KERNEL,
        ),
        Survivor(
            "conv2d_im2col",
            "c_out, kh, kw = w.shape[0], w.shape[2], w.shape[3]",
            "c_out, kh, kw = w.shape[0], w.shape[ 3], w.shape[3]",
            ODD_KERNEL,
        ),
        Survivor(
            "conv2d_im2col",
            "c_out, kh, kw = w.shape[0], w.shape[2], w.shape[3]",
            "c_out, kh, kw = w.shape[0], w.shape[2], w.shape[ 2]",
            ODD_KERNEL,
        ),
        Survivor(
            "conv2d_im2col",
            "ho = (x.shape[2] + 2 * padding - kh) // stride + 1",
            "ho = (x.shape[2] ^ 2 * padding - kh) // stride + 1",
            ODD_KERNEL,
        ),
        Survivor(
            "conv2d_im2col",
            "wo = (x.shape[3] + 2 * padding - kw) // stride + 1",
            "wo = (x.shape[3] ^ 2 * padding - kw) // stride + 1",
            ODD_KERNEL,
        ),
        Survivor(
            "conv2d_im2col",
            "ho = (x.shape[2] + 2 * padding - kh) // stride + 1",
            "ho = (x.shape[2] + 2 ^ padding - kh) // stride + 1",
            ODD_KERNEL,
        ),
        Survivor(
            "conv2d_im2col",
            "wo = (x.shape[3] + 2 * padding - kw) // stride + 1",
            "wo = (x.shape[3] + 2 ^ padding - kw) // stride + 1",
            ODD_KERNEL,
        ),
        Survivor(
            "adam_step",
            "v = beta2 * v + (1 - beta2) * grad**2",
            "v = beta2 * v + (1 % beta2) * grad**2",
            LOW_BETA2,
        ),
        Survivor(
            "adam_step",
            "m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)",
            "m_hat, v_hat = m / (1 - beta1**t), v / (1 % beta2**t)",
            LOW_BETA2,
        ),
        Survivor(
            "dropout",
            "mask = (rng.random(x.shape) >= p).astype(x.dtype)",
            "mask = (rng.random(x.shape) > p).astype(x.dtype)",
            "test_dropout: p equal to a value the generator draws (that value is kept)",
        ),
    ],
}
