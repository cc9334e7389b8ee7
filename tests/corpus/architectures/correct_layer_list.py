"""The network as a list of (kind, name) steps folded in a loop; counts from a table of rules."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% lenet5_forward
LAYERS = [
    ("conv", "0", 2),
    ("sigmoid", None, None),
    ("pool", None, None),
    ("conv", "3", 0),
    ("sigmoid", None, None),
    ("pool", None, None),
    ("flatten", None, None),
    ("linear", "7", None),
    ("sigmoid", None, None),
    ("linear", "9", None),
    ("sigmoid", None, None),
    ("linear", "11", None),
]


def lenet5_forward(x, params):
    h = x
    for kind, name, pad in LAYERS:
        if kind == "conv":
            h = conv2d(h, params[name + ".weight"], params[name + ".bias"], padding=pad)
        elif kind == "sigmoid":
            h = sigmoid(h)
        elif kind == "pool":
            h = avg_pool2d(h, 2)
        elif kind == "flatten":
            h = h.reshape(len(h), -1)
        else:
            h = h @ params[name + ".weight"].T + params[name + ".bias"]
    return h


# %% residual_block
def residual_block(x, w1, w2, w_shortcut=None, stride=1):
    h = conv2d(x, w1, stride=stride, padding=1)
    h = np.maximum(h, 0)
    h = conv2d(h, w2, padding=1)
    if w_shortcut is not None:
        h = h + conv2d(x, w_shortcut, stride=stride)
    else:
        h = h + x
    return np.maximum(h, 0)


# %% count_parameters
RULES = {
    "conv": lambda c_in, c_out, k, bias: c_in * c_out * k * k + bias * c_out,
    "linear": lambda n_in, n_out: (n_in + 1) * n_out,
    "bn": lambda channels: 2 * channels,
}


def count_parameters(spec):
    return sum(int(RULES[layer[0]](*layer[1:])) for layer in spec)


# %% sgd_step
def sgd_step(params, grads, lr):
    for key in grads:
        np.subtract(params[key], lr * grads[key], out=params[key])
