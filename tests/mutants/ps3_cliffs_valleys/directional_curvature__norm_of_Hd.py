import numpy as np

EXPECT = r"norm\(H @ d\) / norm\(d\) ignores the sign"


def directional_curvature(H, d):
    H = np.asarray(H, dtype=float)
    d = np.asarray(d, dtype=float)
    return float(np.linalg.norm(H @ d) / np.linalg.norm(d))
