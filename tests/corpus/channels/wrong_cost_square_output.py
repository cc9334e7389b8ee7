"""Assumes a square output: a (H_out, W_out) pair is read as H_out x H_out.

loses: test_conv2d_cost
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv2d_cost
def conv2d_cost(c_in, c_out, kernel_size, output_size, groups=1, bias=True):
    k = kernel_size if np.ndim(kernel_size) == 0 else kernel_size[0]
    o = output_size if np.ndim(output_size) == 0 else output_size[0]
    weights = c_out * (c_in // groups) * k * k
    return weights + (c_out if bias else 0), weights * o * o
