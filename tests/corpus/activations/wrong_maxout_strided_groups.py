"""Groups channel c with c + C/k, c + 2C/k ... (a reshape to (N, k, C/k)) instead of k consecutive channels.

loses: test_maxout
says: k consecutive channels
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them

# %% maxout


def maxout(x, k):
    x = np.asarray(x)
    return x.reshape(x.shape[0], k, x.shape[1] // k, *x.shape[2:]).max(axis=1)


def maxout_backward(dout, x, k):
    x = np.asarray(x)
    grouped = x.reshape(x.shape[0], k, x.shape[1] // k, *x.shape[2:])
    winner = grouped.argmax(axis=1)
    dgrouped = np.zeros(grouped.shape)
    np.put_along_axis(dgrouped, winner[:, None], np.asarray(dout)[:, None], axis=1)
    return dgrouped.reshape(x.shape)
