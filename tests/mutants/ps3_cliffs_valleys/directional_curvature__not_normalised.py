import numpy as np

EXPECT = r"divide by d @ d, so that the length"


def directional_curvature(H, d):
    H = np.asarray(H, dtype=float)
    d = np.asarray(d, dtype=float)
    return float(d @ H @ d)
