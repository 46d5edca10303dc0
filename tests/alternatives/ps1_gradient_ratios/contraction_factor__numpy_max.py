import numpy as np


def contraction_factor(a, b, lr):
    return float(np.max(np.abs(1 - 2 * lr * np.array([a, b], dtype=float))))
