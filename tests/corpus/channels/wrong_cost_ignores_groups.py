"""Ignores groups: every output channel is counted as seeing all C_in input channels.

loses: test_conv2d_cost
says: With groups, each output channel sees only C_in / groups
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv2d_cost
def conv2d_cost(c_in, c_out, kernel_size, output_size, groups=1, bias=True):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    oh, ow = (output_size, output_size) if np.ndim(output_size) == 0 else output_size
    weights = c_out * c_in * kh * kw
    return weights + (c_out if bias else 0), weights * oh * ow
