"""Two copies, indexed through .flat; returns a float for a single number."""
import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for k in range(x.size):
        xp, xm = x.copy(), x.copy()
        xp.flat[k] += eps
        xm.flat[k] -= eps
        grad.flat[k] = (f(xp) - f(xm)) / (2 * eps)
    return grad
