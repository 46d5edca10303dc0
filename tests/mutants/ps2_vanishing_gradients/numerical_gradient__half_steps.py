"""Steps of eps / 2 either side, divided by eps: a central difference of total width eps, not 2 eps."""
import numpy as np

EXPECT = r"eps=1e-(2|3)\).*step by the full eps"


def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps / 2
        xm[i] -= eps / 2
        grad[i] = (f(xp) - f(xm)) / eps
    return grad
