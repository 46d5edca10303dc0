"""Scales the step with the size of x[i] (eps * max(1, |x[i]|)) instead of using eps itself."""
import numpy as np

EXPECT = r"x of length 4 between 2 and 4, eps=1e-2\).*not eps scaled by the size of x"


def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = eps * max(1.0, abs(x[i]))
        xp, xm = x.copy(), x.copy()
        xp[i] += step
        xm[i] -= step
        grad[i] = (f(xp) - f(xm)) / (2 * step)
    return grad
