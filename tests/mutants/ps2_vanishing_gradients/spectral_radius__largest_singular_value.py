import numpy as np

EXPECT = r"largest singular value"


def spectral_radius(A):
    return float(np.linalg.norm(np.asarray(A, dtype=float), 2))
