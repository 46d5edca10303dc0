import numpy as np

EXPECT = r"squared length of d, not by its length"


def directional_curvature(H, d):
    H = np.asarray(H, dtype=float)
    d = np.asarray(d, dtype=float)
    return float(d @ H @ d / np.linalg.norm(d))
