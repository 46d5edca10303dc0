"""Uses its own step instead of the eps it is given."""
import numpy as np

EXPECT = r"eps=1e-3\).*use the eps argument \(here 0.001\)"


def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    h = 1e-5
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad
