"""Uses ReLU, today's default, where d2l's LeNet-5 uses the sigmoid.

loses: test_lenet5_forward
says: sigmoid
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% lenet5_forward
def lenet5_forward(x, params):
    h = avg_pool2d(relu(conv2d(x, params["0.weight"], params["0.bias"], padding=2)), 2)
    h = avg_pool2d(relu(conv2d(h, params["3.weight"], params["3.bias"])), 2)
    h = h.reshape(h.shape[0], -1)
    h = relu(h @ params["7.weight"].T + params["7.bias"])
    h = relu(h @ params["9.weight"].T + params["9.bias"])
    return h @ params["11.weight"].T + params["11.bias"]
