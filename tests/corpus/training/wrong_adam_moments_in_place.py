"""Updates the caller's m and v in place.

loses: test_adam_step
says: your function changed its argument `m`
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% adam_step
def adam_step(param, grad, m, v, t, lr, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    if m is None:
        m, v = np.zeros_like(param), np.zeros_like(param)
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m.copy(), v.copy()
