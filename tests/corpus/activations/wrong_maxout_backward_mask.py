"""Routes the gradient with the mask x == max: channels that tie for the maximum all get it.

loses: test_maxout
says: first maximal channel
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% maxout


def maxout(x, k):
    x = np.asarray(x)
    return x.reshape(x.shape[0], x.shape[1] // k, k, *x.shape[2:]).max(axis=2)


def maxout_backward(dout, x, k):
    x = np.asarray(x)
    grouped = x.reshape(x.shape[0], x.shape[1] // k, k, *x.shape[2:])
    mask = grouped == grouped.max(axis=2, keepdims=True)
    return (mask * np.asarray(dout)[:, :, None]).reshape(x.shape)
