import numpy as np

EXPECT = r"a and b seem swapped"


def bowl_loss(w, a=1.0, b=4.0):
    w = np.asarray(w, dtype=float)
    return b * w[..., 0] ** 2 + a * w[..., 1] ** 2
