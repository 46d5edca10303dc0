import numpy as np

EXPECT = r"one loss per point"


def bowl_loss(w, a=1.0, b=4.0):
    w = np.asarray(w, dtype=float)
    return np.sum(a * w[..., 0] ** 2 + b * w[..., 1] ** 2)
