import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """Forward differences instead of central ones."""
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    fx = float(f(x))
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + eps
        grad[i] = (float(f(x)) - fx) / eps
        x[i] = saved
    return grad
