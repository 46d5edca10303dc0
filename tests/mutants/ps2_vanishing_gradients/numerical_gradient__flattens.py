"""Works on x.ravel() and hands f the flat vector; returns a flat gradient."""
import numpy as np

EXPECT = r"raised ValueError: exp_sum expects an array of shape \(3, 4\)"


def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=float).ravel()
    grad = np.zeros_like(x)
    for i in range(x.size):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        grad[i] = (f(xp) - f(xm)) / (2 * eps)
    return grad
