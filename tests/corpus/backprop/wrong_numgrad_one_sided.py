"""A forward difference (f(x + eps) - f(x)) / eps.

loses: test_numerical_gradient
says: one-sided
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% numerical_gradient
def numerical_gradient(f, x, dout=1.0, eps=1e-5):
    x = np.array(x, dtype=float)
    base = np.sum(f(x) * dout)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        bumped = x.copy()
        bumped[idx] += eps
        grad[idx] = (np.sum(f(bumped) * dout) - base) / eps
    return grad


def gradient_check(f, x, analytic_dx, dout=1.0, eps=1e-5):
    numeric = numerical_gradient(f, x, dout, eps)
    a, b = np.asarray(analytic_dx, dtype=float), numeric
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
