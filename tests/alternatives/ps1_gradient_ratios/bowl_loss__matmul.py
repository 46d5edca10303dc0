import numpy as np


def bowl_loss(w, a=1.0, b=4.0):
    return np.asarray(w, dtype=float) ** 2 @ np.array([a, b])
