"""Weighs the old running value by momentum and the new batch statistic by 1 - momentum.

loses: test_batch_norm2d
says: momentum weighs the new batch statistic
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% batch_norm2d
def update_running_stats(running_mean, running_var, x, momentum=0.1):
    m = x.shape[0] * x.shape[2] * x.shape[3]
    mean = x.mean(axis=(0, 2, 3))
    var = x.var(axis=(0, 2, 3), ddof=1)
    new_mean = momentum * running_mean + (1 - momentum) * mean
    new_var = momentum * running_var + (1 - momentum) * var
    return new_mean, new_var


def batch_norm2d(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    if training:
        mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
        running_mean, running_var = update_running_stats(running_mean, running_var, x, momentum)
    else:
        mean, var = running_mean, running_var
    shape = (1, -1, 1, 1)
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), running_mean, running_var
