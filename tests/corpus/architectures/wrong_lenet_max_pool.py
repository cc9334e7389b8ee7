"""Pools with the maximum where LeNet-5 averages.

loses: test_lenet5_forward
says: average pooling
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% lenet5_forward
def max_pool(x, k):
    n_, c, h, w = x.shape
    return x[:, :, : h - h % k, : w - w % k].reshape(n_, c, h // k, k, w // k, k).max(axis=(3, 5))


def lenet5_forward(x, params):
    h = max_pool(sigmoid(conv2d(x, params["0.weight"], params["0.bias"], padding=2)), 2)
    h = max_pool(sigmoid(conv2d(h, params["3.weight"], params["3.bias"])), 2)
    h = h.reshape(h.shape[0], -1)
    h = sigmoid(h @ params["7.weight"].T + params["7.bias"])
    h = sigmoid(h @ params["9.weight"].T + params["9.bias"])
    return h @ params["11.weight"].T + params["11.bias"]
