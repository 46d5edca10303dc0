"""np.linalg.eigvals raises LinAlgError, a ValueError, for anything not square."""
import numpy as np


def spectral_radius(A):
    return np.abs(np.linalg.eigvals(np.asarray(A, dtype=float))).max()
