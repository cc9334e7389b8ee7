"""Updates the caller's running statistics in place, as PyTorch's buffers are.

loses: test_batch_norm2d
says: your function changed its argument
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% batch_norm2d
def update_running_stats(running_mean, running_var, x, momentum=0.1):
    m = x.shape[0] * x.shape[2] * x.shape[3]
    running_mean *= 1 - momentum
    running_mean += momentum * x.mean(axis=(0, 2, 3))
    running_var *= 1 - momentum
    running_var += momentum * x.var(axis=(0, 2, 3)) * m / (m - 1)
    return running_mean, running_var


def batch_norm2d(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    if training:
        mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
        running_mean, running_var = update_running_stats(running_mean, running_var, x, momentum)
    else:
        mean, var = running_mean, running_var
    shape = (1, -1, 1, 1)
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), running_mean, running_var
