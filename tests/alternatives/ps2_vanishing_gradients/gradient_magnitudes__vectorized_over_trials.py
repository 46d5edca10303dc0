"""All trials at once: the forward and backward passes run over the columns of W."""
import numpy as np


def gradient_magnitudes(W, x):
    W = np.asarray(W, dtype=float)
    n, m = W.shape
    H = np.empty((n, m + 1))
    H[:, 0] = x
    for t in range(m):
        H[:, t + 1] = sigmoid(W[:, t] * H[:, t])
    G = np.empty((n, m + 1))
    G[:, m] = 1.0
    for t in range(m - 1, -1, -1):
        G[:, t] = sigmoid_prime(W[:, t] * H[:, t]) * W[:, t] * G[:, t + 1]
    return np.abs(G)
