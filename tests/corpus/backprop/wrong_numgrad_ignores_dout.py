"""Differentiates sum(f(x)) and forgets the upstream gradient dout.

loses: test_numerical_gradient
says: dout
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% numerical_gradient
def numerical_gradient(f, x, dout=1.0, eps=1e-5):
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + eps
        plus = np.sum(f(x))
        flat_x[i] = old - eps
        minus = np.sum(f(x))
        flat_x[i] = old
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad


def gradient_check(f, x, analytic_dx, dout=1.0, eps=1e-5):
    numeric = numerical_gradient(f, x, dout, eps)
    a, b = np.asarray(analytic_dx, dtype=float), numeric
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
