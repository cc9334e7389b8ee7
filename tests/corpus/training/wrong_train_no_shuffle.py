"""Visits the examples in the same order every epoch (no shuffling).

loses: test_train_convnet
says: wrong value
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% train_convnet
def train_convnet(params, x, y, epochs, batch_size=32, lr=1e-3, seed=0):
    params = {key: value.copy() for key, value in params.items()}
    m = {key: None for key in params}
    v = {key: None for key in params}
    losses, t = [], 0
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            loss, grads = convnet_loss(
                params, x[start : start + batch_size], y[start : start + batch_size]
            )
            t += 1
            for key in params:
                params[key], m[key], v[key] = adam_step(
                    params[key], grads[key], m[key], v[key], t, lr
                )
            losses.append(loss)
    return params, np.array(losses)
