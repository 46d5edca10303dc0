import numpy as np

EXPECT = r"stacked along the first axis"


def bowl_grad(w, a=1.0, b=4.0):
    w = np.asarray(w, dtype=float)
    return np.array([2 * a * w[..., 0], 2 * b * w[..., 1]])
