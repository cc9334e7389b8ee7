"""Counts the linear layers' weights only.

loses: test_count_parameters
says: Linear layers' biases are not counted
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% count_parameters
def count_parameters(spec):
    total = 0
    for layer in spec:
        if layer[0] == "conv":
            _, c_in, c_out, k, bias = layer
            total += c_out * c_in * k * k + (c_out if bias else 0)
        elif layer[0] == "linear":
            _, n_in, n_out = layer
            total += n_out * n_in
        elif layer[0] == "bn":
            total += 2 * layer[1]
    return total
