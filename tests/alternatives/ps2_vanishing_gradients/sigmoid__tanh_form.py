"""sigmoid(z) = (1 + tanh(z / 2)) / 2: tanh never overflows."""
import numpy as np


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))
