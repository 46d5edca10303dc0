import numpy as np


def layer_jacobian(W, h):
    W = np.asarray(W, dtype=float)
    return np.diag(sigmoid_prime(W @ np.asarray(h, dtype=float))) @ W
