"""Checks for assignment 10: initialisation, batch norm, dropout, optimisers, im2col, the
whole network and its training loop.

The student's functions return new arrays (batch norm's running statistics included), so
every case compares return values. Random draws follow the docstrings exactly (a seed goes
through ``np.random.default_rng``), which makes them comparable with ``solutions``.
"""

import numpy as np

import solutions as S
from autograder.checks import Case, Component, Mistake, attach_mistakes, randn

# --- references with the notebook's contracts, built on solutions ------------------------------


def update_running_stats(running_mean, running_var, x, momentum=0.1):
    running_mean, running_var = np.array(running_mean), np.array(running_var)
    ones = np.ones(x.shape[1], x.dtype)
    S.batch_norm2d(x, ones, 0 * ones, running_mean, running_var, True, momentum)
    return running_mean, running_var


def batch_norm2d(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    running_mean, running_var = np.array(running_mean), np.array(running_var)
    out = S.batch_norm2d(x, gamma, beta, running_mean, running_var, training, momentum, eps)
    return out, running_mean, running_var


def sgd_step(param, grad, velocity, lr, momentum=0.0, weight_decay=0.0):
    return S.sgd_step(param, grad, velocity, lr, momentum, weight_decay)


def adam_step(param, grad, m, v, t, lr, betas=(0.9, 0.999), eps=1e-8):
    return S.adam_step(param, grad, m, v, t, lr, betas, eps)


def _out_size(n, k, stride, padding):
    return (n + 2 * padding - k) // stride + 1


def im2col(x, kh, kw, stride=1, padding=0):
    """The definition, one entry at a time (an oracle independent of any vectorised form)."""
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho, wo = _out_size(h, kh, stride, padding), _out_size(w, kw, stride, padding)
    cols = np.zeros((c * kh * kw, n * ho * wo), x.dtype)
    for ch in range(c):
        for i in range(kh):
            for j in range(kw):
                row = (ch * kh + i) * kw + j
                for b in range(n):
                    for oh in range(ho):
                        for ow in range(wo):
                            cols[row, (b * ho + oh) * wo + ow] = xp[
                                b, ch, oh * stride + i, ow * stride + j
                            ]
    return cols


def col2im(cols, x_shape, kh, kw, stride=1, padding=0):
    """The adjoint of ``im2col``, one entry at a time: every column entry added to its pixel."""
    n, c, h, w = x_shape
    ho, wo = _out_size(h, kh, stride, padding), _out_size(w, kw, stride, padding)
    xp = np.zeros((n, c, h + 2 * padding, w + 2 * padding), cols.dtype)
    for ch in range(c):
        for i in range(kh):
            for j in range(kw):
                row = (ch * kh + i) * kw + j
                for b in range(n):
                    for oh in range(ho):
                        for ow in range(wo):
                            xp[b, ch, oh * stride + i, ow * stride + j] += cols[
                                row, (b * ho + oh) * wo + ow
                            ]
    return xp[:, :, padding : padding + h, padding : padding + w]


def conv2d_im2col(x, w, b=None, stride=1, padding=0):
    return S.conv2d(x, w, b, stride=stride, padding=padding)


def conv2d_im2col_backward(dout, x, w, stride=1, padding=0):
    return S.conv2d_backward(dout, x, w, stride=stride, padding=padding)


def _forward(params, x):
    w = params["conv_w"]
    a1 = S.conv2d(x, w, params["conv_b"], padding=w.shape[2] // 2)
    h1 = S.relu(a1)
    p1 = S.max_pool2d(h1, 2)
    f = p1.reshape(p1.shape[0], -1)
    a2 = S.linear(f, params["fc1_w"], params["fc1_b"])
    h2 = S.relu(a2)
    return S.linear(h2, params["fc2_w"], params["fc2_b"]), (a1, h1, p1, f, a2, h2)


def convnet_logits(params, x):
    return _forward(params, x)[0]


def convnet_loss(params, x, y):
    logits, (a1, h1, p1, f, a2, h2) = _forward(params, x)
    loss, dlogits = S.softmax_cross_entropy(logits, y)
    dh2, dfc2_w, dfc2_b = S.linear_backward(dlogits, h2, params["fc2_w"])
    df, dfc1_w, dfc1_b = S.linear_backward(S.relu_backward(dh2, a2), f, params["fc1_w"])
    dh1 = S.max_pool2d_backward(df.reshape(p1.shape), h1, 2)
    w = params["conv_w"]
    _, dconv_w, dconv_b = S.conv2d_backward(S.relu_backward(dh1, a1), x, w, padding=w.shape[2] // 2)
    grads = {"conv_w": dconv_w, "conv_b": dconv_b, "fc1_w": dfc1_w, "fc1_b": dfc1_b}
    return loss, {**grads, "fc2_w": dfc2_w, "fc2_b": dfc2_b}


def train_convnet(params, x, y, epochs, batch_size=32, lr=1e-3, seed=0):
    rng = np.random.default_rng(seed)
    params = {key: np.array(value) for key, value in params.items()}
    m = {key: None for key in params}
    v = {key: None for key in params}
    losses, t = [], 0
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start : start + batch_size]
            loss, grads = convnet_loss(params, x[batch], y[batch])
            t += 1
            for key in params:
                params[key], m[key], v[key] = S.adam_step(
                    params[key], grads[key], m[key], v[key], t, lr
                )
            losses.append(loss)
    return params, np.array(losses)


# --- cases ---------------------------------------------------------------------------------------


def _seed(rng) -> int:
    return int(rng.integers(2**31))


def kaiming_cases(rng):
    return [
        Case("convolution", ((8, 3, 3, 3), _seed(rng))),
        Case("convolution", ((16, 4, 5, 5), _seed(rng))),
        Case("linear", ((20, 7), _seed(rng))),
        Case("linear", ((5, 50), _seed(rng))),
    ]


def _channels(rng, c):
    """Per-channel statistics far from 0 and 1: a mean and a scale for every channel."""
    return rng.uniform(-3, 3, c)[None, :, None, None], rng.uniform(0.5, 4, c)[None, :, None, None]


def batch_norm_cases(rng):
    cases = []
    for n, c, h, w in ((4, 3, 5, 5), (2, 5, 3, 4), (8, 2, 1, 1)):
        shift, scale = _channels(rng, c)
        x = scale * randn(rng, n, c, h, w) + shift
        gamma, beta = rng.uniform(0.5, 2, c), randn(rng, c)
        running = (randn(rng, c), rng.uniform(0.5, 2, c))
        momentum = float(rng.choice([0.1, 0.3]))
        # the running statistics first: a batch_norm2d built on a wrong update fails with them
        cases.append(
            Case("running_stats", (*running, x, momentum), function="update_running_stats")
        )
        cases.append(Case("training", (x, gamma, beta, *running, True, momentum)))
        # evaluation: running statistics far from the batch's, and a batch of one image
        far = (rng.uniform(-1, 1, c), rng.uniform(2, 5, c))
        cases.append(Case("evaluation", (x, gamma, beta, *far, False)))
        cases.append(Case("evaluation", (x[:1], gamma, beta, *far, False, 0.1, 1e-3)))
    return cases


def batch_norm_backward_cases(rng):
    cases = []
    for n, c, h, w in ((4, 3, 5, 5), (2, 4, 3, 3), (6, 2, 2, 1)):
        shift, scale = _channels(rng, c)
        x = scale * randn(rng, n, c, h, w) + shift
        cases.append(Case("random", (randn(rng, n, c, h, w), x, rng.uniform(-2, 2, c))))
    # large activations, a larger eps: the formula, not luck with the scale
    x = 50 * randn(rng, 3, 2, 4, 4) + 100
    cases.append(Case("scaled", (randn(rng, *x.shape), x, rng.uniform(0.5, 2, 2), 1e-2)))
    cases.append(Case("scaled", (10 * randn(rng, *x.shape), x / 50, rng.uniform(0.5, 2, 2))))
    return cases


def dropout_cases(rng):
    cases = []
    for shape, p in (((4, 6), 0.5), ((2, 3, 5, 5), 0.2), ((100,), 0.9)):
        x = randn(rng, *shape) + 1
        cases.append(Case("training", (x, p, True, _seed(rng)), function="dropout"))
        cases.append(Case("evaluation", (x, p, False), function="dropout"))
        mask = (rng.random(shape) >= p).astype(float)
        cases.append(Case("backward", (randn(rng, *shape), mask, p), function="dropout_backward"))
    # p equal to the first draw itself: that value is kept (mask = draw >= p, not draw > p)
    seed = _seed(rng)
    tie = float(np.random.default_rng(seed).random(6)[0])
    cases.append(Case("training", (randn(rng, 6) + 1, tie, True, seed), function="dropout"))
    return cases


def sgd_cases(rng):
    shape = (3, 4)
    param, grad, velocity = randn(rng, *shape), randn(rng, *shape), randn(rng, *shape)
    lr = float(rng.uniform(0.01, 0.5))
    return [
        Case("plain", (param, grad, None, lr)),
        Case("momentum", (param, grad, None, lr, 0.9)),
        Case("momentum", (param, grad, velocity, lr, float(rng.uniform(0.5, 0.99)))),
        Case("weight_decay", (param, grad, None, lr, 0.0, 0.1)),
        Case("weight_decay", (param, grad, velocity, lr, 0.9, float(rng.uniform(0.01, 0.5)))),
    ]


def adam_cases(rng):
    shape = (4, 3)
    param, grad = randn(rng, *shape), randn(rng, *shape)
    m, v = 0.1 * randn(rng, *shape), rng.uniform(0.01, 0.1, shape)
    lr = float(rng.uniform(1e-3, 0.1))
    return [
        Case("first_step", (param, grad, None, None, 1, lr)),
        Case("first_step", (param, 5 * grad, np.zeros(shape), np.zeros(shape), 1, lr)),
        Case("later_steps", (param, grad, m, v, 2, lr)),
        Case("later_steps", (param, grad, m, v, int(rng.integers(5, 60)), lr)),
        Case("betas", (param, grad, m, v, 3, lr, (0.5, 0.9), 1e-3)),
        # beta2 below 0.5, where 1 % beta2 is not 1 - beta2
        Case("betas", (param, grad, m, v, 2, lr, (0.6, 0.3))),
    ]


def im2col_cases(rng):
    cases = []
    for shape, k, stride, padding, category in (
        ((2, 3, 5, 4), (3, 3), 1, 0, "im2col"),
        ((1, 2, 4, 6), (2, 3), 1, 0, "im2col"),
        ((2, 3, 7, 6), (3, 3), 2, 1, "im2col_stride_padding"),
        ((3, 2, 5, 5), (2, 2), 3, 2, "im2col_stride_padding"),
    ):
        cases.append(Case(category, (randn(rng, *shape), *k, stride, padding), function="im2col"))
    for shape, k, stride, padding in (
        ((2, 3, 5, 4), (3, 3), 1, 0),
        ((2, 2, 6, 6), (3, 3), 2, 1),  # stride 2 < 3: windows overlap
        ((1, 3, 4, 4), (2, 2), 2, 0),  # no overlap
    ):
        n, c, h, w = shape
        rows = c * k[0] * k[1]
        columns = n * _out_size(h, k[0], stride, padding) * _out_size(w, k[1], stride, padding)
        cases.append(
            Case(
                "col2im",
                (randn(rng, rows, columns), shape, *k, stride, padding),
                function="col2im",
            )
        )
    # more channels than kernel entries, more images than windows: a reshape to a wrong
    # length is not rescued by numpy inferring a negative one
    cases.append(Case("im2col", (randn(rng, 5, 5, 2, 2), 2, 2, 1, 0), function="im2col"))
    # padding 3, stride 1 (the windows reach the last padded row), an odd height
    rows, columns = 2 * 3 * 3, 1 * _out_size(5, 3, 1, 3) * _out_size(6, 3, 1, 3)
    cases.append(
        Case("col2im", (randn(rng, rows, columns), (1, 2, 5, 6), 3, 3, 1, 3), function="col2im")
    )
    return cases


def conv_cases(rng):
    cases = []
    for x_shape, w_shape, stride, padding, kind in (
        ((2, 3, 6, 5), (4, 3, 3, 3), 1, 0, "forward"),
        ((3, 1, 8, 8), (6, 1, 5, 5), 1, 2, "forward"),
        ((2, 2, 7, 6), (3, 2, 3, 3), 2, 1, "forward_stride_padding"),
        ((2, 3, 6, 6), (2, 3, 2, 2), 3, 1, "forward_stride_padding"),
    ):
        x, w, b = randn(rng, *x_shape), randn(rng, *w_shape), randn(rng, w_shape[0])
        cases.append(Case(kind, (x, w, b, stride, padding), function="conv2d_im2col"))
        dout = randn(rng, *S.conv2d(x, w, b, stride=stride, padding=padding).shape)
        cases.append(
            Case(
                kind.replace("forward", "backward"),
                (dout, x, w, stride, padding),
                function="conv2d_im2col_backward",
            )
        )
    # a kernel of 3 rows and 2 columns, odd sizes, padding 3 (more than half the kernel)
    x, w, b = randn(rng, 2, 2, 7, 5), randn(rng, 3, 2, 3, 2), randn(rng, 3)
    cases.append(Case("forward_stride_padding", (x, w, b, 1, 3), function="conv2d_im2col"))
    dout = randn(rng, *S.conv2d(x, w, b, stride=1, padding=3).shape)
    cases.append(
        Case("backward_stride_padding", (dout, x, w, 1, 3), function="conv2d_im2col_backward")
    )
    return cases


def _net(rng, channels, filters, kernel, size, hidden, classes, scale=0.5):
    flat = filters * (size // 2) ** 2
    shapes = {
        "conv_w": (filters, channels, kernel, kernel),
        "conv_b": (filters,),
        "fc1_w": (hidden, flat),
        "fc1_b": (hidden,),
        "fc2_w": (classes, hidden),
        "fc2_b": (classes,),
    }
    return {key: scale * randn(rng, *shape) for key, shape in shapes.items()}


def convnet_cases(rng):
    cases = []
    for channels, kernel, size, category in ((1, 3, 6, "gradients"), (2, 5, 8, "kernel_5")):
        params = _net(rng, channels, 3, kernel, size, 7, 4)
        x, y = randn(rng, 5, channels, size, size), rng.integers(0, 4, 5)
        cases.append(Case(category, (params, x, y), function="convnet_loss"))
        cases.append(Case("logits", (params, x), function="convnet_logits"))
    return cases


def train_cases(rng):
    cases = []
    for category, n, epochs, batch_size in (
        ("one_epoch", 12, 1, 4),  # three batches: a missing shuffle cannot hide (1 in 35,000)
        ("several_epochs", 8, 3, 4),
        ("uneven_batches", 10, 2, 4),
    ):
        params = _net(rng, 1, 2, 3, 4, 5, 3)
        # positive biases keep most units alive: a network whose ReLUs are all dead trains
        # the same whatever its convolution computes, and would hide a wrong one
        for key in ("conv_b", "fc1_b"):
            params[key] = np.abs(params[key]) + 0.5
        x, y = randn(rng, n, 1, 4, 4), rng.integers(0, 3, n)
        lr = float(rng.uniform(1e-3, 1e-2))
        cases.append(Case(category, (params, x, y, epochs, batch_size, lr, _seed(rng))))
    return cases


COMPONENTS = [
    Component(
        "test_kaiming_normal",
        "kaiming_normal",
        S.kaiming_normal,
        {"convolution": 1, "linear": 1},
        kaiming_cases,
    ),
    Component(
        "test_batch_norm2d",
        "batch_norm2d",
        {"batch_norm2d": batch_norm2d, "update_running_stats": update_running_stats},
        {"training": 1, "running_stats": 1.5, "evaluation": 1.5},
        batch_norm_cases,
    ),
    Component(
        "test_batch_norm2d_backward",
        "batch_norm2d_backward",
        S.batch_norm2d_backward,
        {"random": 2, "scaled": 2},
        batch_norm_backward_cases,
    ),
    Component(
        "test_dropout",
        "dropout",
        {"dropout": S.dropout, "dropout_backward": S.dropout_backward},
        {"training": 1, "evaluation": 1, "backward": 1},
        dropout_cases,
    ),
    Component(
        "test_sgd_step",
        "sgd_step",
        sgd_step,
        {"plain": 0.5, "momentum": 1, "weight_decay": 0.5},
        sgd_cases,
    ),
    Component(
        "test_adam_step",
        "adam_step",
        adam_step,
        {"first_step": 1, "later_steps": 1, "betas": 1},
        adam_cases,
    ),
    Component(
        "test_im2col",
        "im2col",
        {"im2col": im2col, "col2im": col2im},
        {"im2col": 1, "im2col_stride_padding": 1, "col2im": 2},
        im2col_cases,
    ),
    Component(
        "test_conv2d_im2col",
        "conv2d_im2col",
        {"conv2d_im2col": conv2d_im2col, "conv2d_im2col_backward": conv2d_im2col_backward},
        {"forward": 1, "forward_stride_padding": 1, "backward": 1, "backward_stride_padding": 1},
        conv_cases,
    ),
    Component(
        "test_convnet_loss",
        "convnet_loss",
        {"convnet_loss": convnet_loss, "convnet_logits": convnet_logits},
        {"logits": 1, "gradients": 2, "kernel_5": 1},
        convnet_cases,
    ),
    Component(
        "test_train_convnet",
        "train_convnet",
        train_convnet,
        {"one_epoch": 1, "several_epochs": 1, "uneven_batches": 1},
        train_cases,
        # float64 in, float64 out: a float32 step anywhere inside (columns, say) shifts the
        # losses by ~1e-7, which the default rtol of 1e-6 forgives on most draws
        rtol=1e-9,
        atol=1e-11,
        timeout=40.0,
    ),
]


# The classic mistakes, written once: each is a Variant of its component above and the
# planted mistake of a sample submission (autograder.samples).
MISTAKES = [
    Mistake(
        cell="kaiming_normal",
        component="test_kaiming_normal",
        function="kaiming_normal",
        summary="draws with standard deviation 2 / fan_in",
        diagnosis="The standard deviation is 2 / fan_in, which is the variance: He initialisation draws with standard deviation sqrt(2 / fan_in).",
        code="""
def kaiming_normal(shape, rng=None):
    rng = np.random.default_rng(rng)
    fan_in = int(np.prod(shape[1:]))
    return rng.standard_normal(shape) * (2.0 / fan_in)
""",
    ),
    Mistake(
        cell="batch_norm2d",
        component="test_batch_norm2d",
        function="update_running_stats",
        summary="updates the running variance with the biased variance",
        diagnosis="The running variance is updated with the biased batch variance (divisor N·H·W): PyTorch's running variance uses the unbiased one, divisor N·H·W − 1.",
        code="""
def update_running_stats(running_mean, running_var, x, momentum=0.1):
    mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
    return (1 - momentum) * running_mean + momentum * mean, (1 - momentum) * running_var + momentum * var
""",
    ),
    Mistake(
        cell="batch_norm2d",
        component="test_batch_norm2d",
        function="batch_norm2d",
        summary="normalises with the batch statistics in evaluation mode",
        diagnosis="In evaluation (training=False) the output is normalised with the batch's own statistics: evaluation uses the running mean and variance, whatever the batch.",
        code="""
def batch_norm2d(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
    if training:
        running_mean, running_var = update_running_stats(running_mean, running_var, x, momentum)
    x_hat = (x - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + eps)
    return gamma[None, :, None, None] * x_hat + beta[None, :, None, None], running_mean, running_var
""",
    ),
    Mistake(
        cell="batch_norm2d_backward",
        component="test_batch_norm2d_backward",
        function="batch_norm2d_backward",
        summary="leaves the mean terms out of the batch-norm backward",
        diagnosis="dx misses the mean terms: the batch mean and variance depend on x too, so subtract mean(g) and x_hat · mean(g · x_hat) (g = gamma · dout) before dividing by the standard deviation.",
        code="""
def batch_norm2d_backward(dout, x, gamma, eps=1e-5):
    axes = (0, 2, 3)
    inv_std = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) * inv_std
    dx = dout * gamma[None, :, None, None] * inv_std
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)
""",
    ),
    Mistake(
        cell="dropout",
        component="test_dropout",
        function="dropout",
        summary="scales by 1 - p in evaluation as well",
        diagnosis="Rescaled twice: inverted dropout already divides by 1 − p in training, so evaluation is the identity (out = x), with no factor 1 − p.",
        code="""
def dropout(x, p, training=True, rng=None):
    if not training:
        return x * (1 - p), np.ones_like(x)
    rng = np.random.default_rng(rng)
    mask = (rng.random(x.shape) >= p).astype(x.dtype)
    return x * mask / (1 - p), mask
""",
    ),
    Mistake(
        cell="dropout",
        component="test_dropout",
        function="dropout_backward",
        summary="does not rescale the dropout gradient",
        diagnosis="The gradient is not rescaled: the forward pass divides the kept values by 1 − p, so dx = dout · mask / (1 − p).",
        code="""
def dropout_backward(dout, mask, p):
    return dout * mask
""",
    ),
    Mistake(
        cell="sgd_step",
        component="test_sgd_step",
        function="sgd_step",
        summary="applies the momentum to the weights",
        diagnosis="The momentum multiplies the weights (momentum · param − lr · g): it belongs to the velocity, v = momentum · v + g, and the step is param − lr · v.",
        code="""
def sgd_step(param, grad, velocity, lr, momentum=0.0, weight_decay=0.0):
    g = grad + weight_decay * param
    if not momentum:
        return param - lr * g, velocity
    return momentum * param - lr * g, g
""",
    ),
    Mistake(
        cell="adam_step",
        component="test_adam_step",
        function="adam_step",
        summary="leaves out Adam's bias correction",
        diagnosis="Adam without bias correction: m and v start at zero and are far too small in the first steps; divide them by 1 − β1^t and 1 − β2^t before the step.",
        code="""
def adam_step(param, grad, m, v, t, lr, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m = np.zeros_like(param) if m is None else m
    v = np.zeros_like(param) if v is None else v
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return param - lr * m / (np.sqrt(v) + eps), m, v
""",
    ),
    Mistake(
        cell="im2col",
        component="test_im2col",
        function="im2col",
        summary="orders im2col's rows kernel position first, channel last",
        diagnosis="The rows of the columns are ordered (kernel row, kernel column, channel), but w.reshape(C_out, -1) orders them (channel, kernel row, kernel column): the product pairs weights with the wrong inputs.",
        code="""
def im2col(x, kh, kw, stride=1, padding=0):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho, wo = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    cols = np.empty((kh, kw, c, n, ho, wo), dtype=xp.dtype)
    for i in range(kh):
        for j in range(kw):
            window = xp[:, :, i : i + stride * ho : stride, j : j + stride * wo : stride]
            cols[i, j] = window.transpose(1, 0, 2, 3)
    return cols.reshape(kh * kw * c, n * ho * wo)
""",
    ),
    Mistake(
        cell="im2col",
        component="test_im2col",
        function="col2im",
        summary="col2im overwrites instead of adding where windows overlap",
        diagnosis="col2im overwrites where windows overlap: add (+=) every column entry into its pixel, since windows share pixels when the stride is smaller than the kernel.",
        code="""
def col2im(cols, x_shape, kh, kw, stride=1, padding=0):
    n, c, h, w = x_shape
    ho, wo = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    cols = cols.reshape(c, kh, kw, n, ho, wo)
    xp = np.zeros((n, c, h + 2 * padding, w + 2 * padding), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            xp[:, :, i : i + stride * ho : stride, j : j + stride * wo : stride] = cols[
                :, i, j
            ].transpose(1, 0, 2, 3)
    return xp[:, :, padding : padding + h, padding : padding + w]
""",
    ),
    Mistake(
        cell="conv2d_im2col",
        component="test_conv2d_im2col",
        function="conv2d_im2col",
        summary="reshapes the im2col product straight to (N, C_out, H_out, W_out)",
        diagnosis="The product's rows are the output channels and its columns the positions of all images: reshape it to (C_out, N, H_out, W_out), then move the batch axis first.",
        code="""
def conv2d_im2col(x, w, b=None, stride=1, padding=0):
    n, c_out, kh, kw = x.shape[0], w.shape[0], w.shape[2], w.shape[3]
    ho = (x.shape[2] + 2 * padding - kh) // stride + 1
    wo = (x.shape[3] + 2 * padding - kw) // stride + 1
    out = (w.reshape(c_out, -1) @ im2col(x, kh, kw, stride, padding)).reshape(n, c_out, ho, wo)
    return out if b is None else out + b[None, :, None, None]
""",
    ),
    Mistake(
        cell="convnet",
        component="test_convnet_loss",
        function="convnet_loss",
        summary="passes the gradient through the hidden ReLU without its mask",
        diagnosis="The gradient passes the hidden layer's ReLU without its mask: apply relu_backward(dh2, a2) before the first linear layer's backward.",
        code="""
def convnet_loss(params, x, y):
    w = params["conv_w"]
    pad = w.shape[2] // 2
    a1 = conv2d_im2col(x, w, params["conv_b"], padding=pad)
    h1 = relu(a1)
    p1 = max_pool2d(h1, 2)
    f = p1.reshape(p1.shape[0], -1)
    a2 = linear(f, params["fc1_w"], params["fc1_b"])
    h2 = relu(a2)
    loss, dlogits = softmax_cross_entropy(linear(h2, params["fc2_w"], params["fc2_b"]), y)
    dh2, dfc2_w, dfc2_b = linear_backward(dlogits, h2, params["fc2_w"])
    df, dfc1_w, dfc1_b = linear_backward(dh2, f, params["fc1_w"])
    dh1 = max_pool2d_backward(df.reshape(p1.shape), h1, 2)
    _, dconv_w, dconv_b = conv2d_im2col_backward(relu_backward(dh1, a1), x, w, padding=pad)
    grads = {"conv_w": dconv_w, "conv_b": dconv_b, "fc1_w": dfc1_w, "fc1_b": dfc1_b}
    grads.update(fc2_w=dfc2_w, fc2_b=dfc2_b)
    return loss, grads
""",
    ),
    Mistake(
        cell="train_convnet",
        component="test_train_convnet",
        function="train_convnet",
        summary="restarts Adam's step counter every epoch",
        diagnosis="Adam's step counter restarts every epoch: t counts the steps of the whole run, so the bias correction fades out once, in the first steps.",
        code="""
def train_convnet(params, x, y, epochs, batch_size=32, lr=1e-3, seed=0):
    rng = np.random.default_rng(seed)
    params = {key: value.copy() for key, value in params.items()}
    m = {key: np.zeros_like(value) for key, value in params.items()}
    v = {key: np.zeros_like(value) for key, value in params.items()}
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for t, start in enumerate(range(0, len(x), batch_size), start=1):
            batch = order[start : start + batch_size]
            loss, grads = convnet_loss(params, x[batch], y[batch])
            for key in params:
                params[key], m[key], v[key] = adam_step(
                    params[key], grads[key], m[key], v[key], t, lr
                )
            losses.append(loss)
    return params, np.array(losses)
""",
    ),
]
attach_mistakes(COMPONENTS, MISTAKES)


# Misconceptions met in the corpus of student submissions (tests/corpus/training/): the
# grader recognises them; they are not planted in the samples.
RECOGNISED = [
    Mistake(
        cell="kaiming_normal",
        component="test_kaiming_normal",
        function="kaiming_normal",
        summary="counts the fan on the output side",
        diagnosis="The standard deviation uses fan_out = C_out · kh · kw: He initialisation (PyTorch's default mode) divides by fan_in = C_in · kh · kw, the inputs of one output.",
        code="""
def kaiming_normal(shape, rng=None):
    rng = np.random.default_rng(rng)
    return rng.standard_normal(shape) * np.sqrt(2.0 / (shape[0] * int(np.prod(shape[2:]))))
""",
    ),
    Mistake(
        cell="batch_norm2d",
        component="test_batch_norm2d",
        function="update_running_stats",
        summary="swaps momentum and 1 - momentum in the running averages",
        diagnosis="The momentum and 1 − momentum are swapped: PyTorch's momentum weighs the new batch statistic, r = (1 − momentum) · r + momentum · statistic.",
        code="""
def update_running_stats(running_mean, running_var, x, momentum=0.1):
    mean, unbiased = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3), ddof=1)
    return momentum * running_mean + (1 - momentum) * mean, momentum * running_var + (1 - momentum) * unbiased
""",
    ),
    Mistake(
        cell="sgd_step",
        component="test_sgd_step",
        function="sgd_step",
        summary="averages the velocity (dampening = momentum)",
        diagnosis="The velocity is an average, v = momentum · v + (1 − momentum) · g (dampening): PyTorch's SGD sums, v = momentum · v + g.",
        code="""
def sgd_step(param, grad, velocity, lr, momentum=0.0, weight_decay=0.0):
    g = grad + weight_decay * param
    if not momentum:
        return param - lr * g, velocity
    velocity = g if velocity is None else momentum * velocity + (1 - momentum) * g
    return param - lr * velocity, velocity
""",
    ),
]
attach_mistakes(COMPONENTS, RECOGNISED)
