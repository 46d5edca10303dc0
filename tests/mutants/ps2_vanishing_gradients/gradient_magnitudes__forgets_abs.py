import numpy as np

EXPECT = r"absolute value"


def gradient_magnitudes(W, x):
    W = np.asarray(W, dtype=float)
    return np.array([backprop_chain(row, x) for row in W]).reshape(W.shape[0], W.shape[1] + 1)
