"""A loop over entries with math.exp on the safe side; returns a float for a single number."""
import math

import numpy as np


def _one(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    if z.ndim == 0:
        return _one(float(z))
    return np.array([_one(v) for v in z.ravel()]).reshape(z.shape)
