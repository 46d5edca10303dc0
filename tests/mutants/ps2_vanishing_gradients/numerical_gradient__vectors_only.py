"""Loops over len(x): perturbs whole rows of a matrix, and fails on a single number."""
import numpy as np

EXPECT = r"x of shape \(3, 4\)\).*x\[i\] is a whole row"


def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        grad[i] = (f(xp) - f(xm)) / (2 * eps)
    return grad
