import numpy as np


def sigmoid(z):
    """The textbook formula: overflows (with a RuntimeWarning) for large negative z."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
