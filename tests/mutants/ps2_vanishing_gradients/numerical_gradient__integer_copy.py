"""x.copy() of an integer array stays integer: adding 1e-6 to it does nothing."""
import numpy as np

EXPECT = r"integer array\).*Hint: x holds integers"


def numerical_gradient(f, x, eps=1e-6):
    x = np.asarray(x)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        grad[i] = (f(xp) - f(xm)) / (2 * eps)
    return grad
