"""Perturb along basis vectors of the flattened x, reshaped back for f."""
import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.size)
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps
        e = e.reshape(x.shape)
        grad[k] = (f(x + e) - f(x - e)) / (2 * eps)
    return grad.reshape(x.shape)
