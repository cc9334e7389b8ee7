"""Loops where they are cheap: im2col and col2im over the output positions, batch norm's
running statistics and dropout written out step by step, a while loop for training.
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% batch_norm2d
def update_running_stats(running_mean, running_var, x, momentum=0.1):
    c = x.shape[1]
    new_mean, new_var = np.empty(c), np.empty(c)
    for ch in range(c):
        values = x[:, ch].reshape(-1)
        mean = values.sum() / values.size
        unbiased = ((values - mean) ** 2).sum() / (values.size - 1)
        new_mean[ch] = running_mean[ch] + momentum * (mean - running_mean[ch])
        new_var[ch] = running_var[ch] + momentum * (unbiased - running_var[ch])
    return new_mean, new_var


def batch_norm2d(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    out = np.empty_like(x)
    if training:
        new_mean, new_var = update_running_stats(running_mean, running_var, x, momentum)
    else:
        new_mean, new_var = running_mean.copy(), running_var.copy()
    for ch in range(x.shape[1]):
        if training:
            mean, var = x[:, ch].mean(), x[:, ch].var()
        else:
            mean, var = running_mean[ch], running_var[ch]
        out[:, ch] = gamma[ch] * (x[:, ch] - mean) / np.sqrt(var + eps) + beta[ch]
    return out, new_mean, new_var


# %% dropout
def dropout(x, p, training=True, rng=None):
    if training:
        generator = np.random.default_rng(rng)
        keep = generator.random(x.shape) >= p
        mask = np.where(keep, 1.0, 0.0)
        return np.where(keep, x / (1 - p), 0.0), mask
    return np.array(x), np.ones(x.shape)


def dropout_backward(dout, mask, p):
    return np.where(mask == 1, dout / (1 - p), 0.0)


# %% im2col
def im2col(x, kh, kw, stride=1, padding=0):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho, wo = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    cols = np.zeros((c * kh * kw, n, ho, wo))
    for oh in range(ho):
        for ow in range(wo):
            window = xp[:, :, oh * stride : oh * stride + kh, ow * stride : ow * stride + kw]
            cols[:, :, oh, ow] = window.reshape(n, -1).T
    return cols.reshape(c * kh * kw, -1)


def col2im(cols, x_shape, kh, kw, stride=1, padding=0):
    n, c, h, w = x_shape
    ho, wo = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    cols = cols.reshape(c * kh * kw, n, ho, wo)
    xp = np.zeros((n, c, h + 2 * padding, w + 2 * padding))
    for oh in range(ho):
        for ow in range(wo):
            xp[:, :, oh * stride : oh * stride + kh, ow * stride : ow * stride + kw] += cols[
                :, :, oh, ow
            ].T.reshape(n, c, kh, kw)
    return xp[:, :, padding : padding + h, padding : padding + w]


# %% train_convnet
def train_convnet(params, x, y, epochs, batch_size=32, lr=1e-3, seed=0):
    rng = np.random.default_rng(seed)
    current = dict(params)
    moments = {key: (None, None) for key in params}
    losses = []
    step = 0
    epoch = 0
    while epoch < epochs:
        order = rng.permutation(len(x))
        start = 0
        while start < len(x):
            idx = order[start : start + batch_size]
            loss, grads = convnet_loss(current, x[idx], y[idx])
            step += 1
            for key in current:
                m, v = moments[key]
                current[key], m, v = adam_step(current[key], grads[key], m, v, step, lr)
                moments[key] = (m, v)
            losses.append(loss)
            start += batch_size
        epoch += 1
    return current, np.asarray(losses)
