"""Subtracts the maximum of the whole batch instead of each row's.

loses: test_softmax_cross_entropy
says: subtract each row's maximum, not the batch's
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% softmax_cross_entropy
def softmax_cross_entropy(logits, y):
    logits = np.asarray(logits, dtype=float)
    n = logits.shape[0]
    e = np.exp(logits - logits.max())
    probs = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(n), y]).mean()
    d = probs.copy()
    d[np.arange(n), y] -= 1
    return float(loss), d / n
