import numpy as np

EXPECT = r"off by the same factor 0\.5"


def bowl_grad(w, a=1.0, b=4.0):
    w = np.asarray(w, dtype=float)
    return w * np.array([a, b])
