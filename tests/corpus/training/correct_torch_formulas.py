"""PyTorch's own formulations: Adam's step size with both bias corrections folded in, SGD with
an explicit first-step branch, the compact batch-norm backward, the network kept as a list.
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% sgd_step
def sgd_step(param, grad, velocity, lr, momentum=0.0, weight_decay=0.0):
    d_p = grad if weight_decay == 0 else grad + weight_decay * param
    if momentum != 0:
        if velocity is None:
            buf = np.array(d_p, copy=True)
        else:
            buf = velocity * momentum + d_p
        d_p = buf
    else:
        buf = velocity
    return param - lr * d_p, buf


# %% adam_step
def adam_step(param, grad, m, v, t, lr, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    exp_avg = (1 - beta1) * grad if m is None else m * beta1 + (1 - beta1) * grad
    exp_avg_sq = (1 - beta2) * grad * grad if v is None else v * beta2 + (1 - beta2) * grad * grad
    bias_correction1 = 1 - beta1**t
    bias_correction2 = 1 - beta2**t
    step_size = lr / bias_correction1
    denom = np.sqrt(exp_avg_sq) / np.sqrt(bias_correction2) + eps
    return param - step_size * exp_avg / denom, exp_avg, exp_avg_sq


# %% batch_norm2d_backward
def batch_norm2d_backward(dout, x, gamma, eps=1e-5):
    m = x.size // x.shape[1]
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    inv_std = (x.var(axis=(0, 2, 3), keepdims=True) + eps) ** -0.5
    x_hat = (x - mean) * inv_std
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * x_hat).sum(axis=(0, 2, 3))
    dx = (
        gamma[None, :, None, None]
        * inv_std
        / m
        * (m * dout - dbeta[None, :, None, None] - x_hat * dgamma[None, :, None, None])
    )
    return dx, dgamma, dbeta


# %% convnet
LAYERS = ["conv", "relu", "pool", "flatten", "fc1", "relu", "fc2"]


def _apply(params, name, h):
    if name == "conv":
        w = params["conv_w"]
        return conv2d_im2col(h, w, params["conv_b"], 1, w.shape[2] // 2)
    if name == "relu":
        return relu(h)
    if name == "pool":
        return max_pool2d(h, 2, 2)
    if name == "flatten":
        return h.reshape(len(h), -1)
    return linear(h, params[name + "_w"], params[name + "_b"])


def convnet_logits(params, x):
    h = x
    for name in LAYERS:
        h = _apply(params, name, h)
    return h


def convnet_loss(params, x, y):
    inputs, h = [], x
    for name in LAYERS:
        inputs.append(h)
        h = _apply(params, name, h)
    loss, d = softmax_cross_entropy(h, y)
    grads = {}
    for name, inp in zip(reversed(LAYERS), reversed(inputs)):
        if name in ("fc1", "fc2"):
            d, grads[name + "_w"], grads[name + "_b"] = linear_backward(d, inp, params[name + "_w"])
        elif name == "relu":
            d = relu_backward(d, inp)
        elif name == "flatten":
            d = d.reshape(inp.shape)
        elif name == "pool":
            d = max_pool2d_backward(d, inp, 2, 2)
        else:
            w = params["conv_w"]
            d, grads["conv_w"], grads["conv_b"] = conv2d_im2col_backward(
                d, inp, w, 1, w.shape[2] // 2
            )
    return loss, grads
