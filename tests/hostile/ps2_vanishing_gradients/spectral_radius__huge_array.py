import numpy as np


def spectral_radius(A):
    """Builds a 10**6 x 10**6 matrix (8 TB) on the way."""
    big = np.ones((10**6, 10**6))
    return float(big[0, 0])
