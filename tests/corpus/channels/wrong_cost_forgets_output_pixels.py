"""Counts each weight's multiply-add once, not once per output pixel.

loses: test_conv2d_cost
says: Each weight is used once per output pixel
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv2d_cost
def conv2d_cost(c_in, c_out, kernel_size, output_size, groups=1, bias=True):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    weights = c_out * (c_in // groups) * kh * kw
    return weights + (c_out if bias else 0), weights
