import numpy as np


def layer_jacobian(W, h):
    W = np.asarray(W, dtype=float)
    h = np.asarray(h, dtype=float)
    J = np.zeros(W.shape)
    for i in range(W.shape[0]):
        a = W[i] @ h
        s = 1.0 / (1.0 + np.exp(-a)) if a >= 0 else np.exp(a) / (1.0 + np.exp(a))
        for j in range(W.shape[1]):
            J[i, j] = s * (1 - s) * W[i, j]
    return J
