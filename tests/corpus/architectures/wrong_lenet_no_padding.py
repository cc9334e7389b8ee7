"""Forgets the first convolution's padding of 2 (a 28 x 28 input then gives 4 x 4 maps, not 5 x 5).

loses: test_lenet5_forward
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% lenet5_forward
def lenet5_forward(x, params):
    h = avg_pool2d(sigmoid(conv2d(x, params["0.weight"], params["0.bias"])), 2)
    h = avg_pool2d(sigmoid(conv2d(h, params["3.weight"], params["3.bias"])), 2)
    h = h.reshape(h.shape[0], -1)
    h = sigmoid(h @ params["7.weight"].T + params["7.bias"])
    h = sigmoid(h @ params["9.weight"].T + params["9.bias"])
    return h @ params["11.weight"].T + params["11.bias"]
