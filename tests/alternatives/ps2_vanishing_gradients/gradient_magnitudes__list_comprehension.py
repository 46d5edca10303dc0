import numpy as np


def gradient_magnitudes(W, x):
    W = np.atleast_2d(np.asarray(W, dtype=float))
    return np.array([np.abs(backprop_chain(row, x)) for row in W]).reshape(W.shape[0], W.shape[1] + 1)
