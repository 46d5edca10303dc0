import numpy as np

EXPECT = r"a and b seem swapped"


def bowl_grad(w, a=1.0, b=4.0):
    w = np.asarray(w, dtype=float)
    return 2 * w * np.array([b, a])
