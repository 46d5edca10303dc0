import numpy as np


def spectral_radius(A):
    """Largest eigenvalue (forgets the absolute value; no check of the shape)."""
    return float(np.max(np.linalg.eigvals(np.asarray(A, dtype=float)).real))
