import numpy as np


def gradient_magnitudes(W, x):
    """Forgets the absolute value."""
    W = np.asarray(W, dtype=float)
    return np.array([backprop_chain(w, x) for w in W])
